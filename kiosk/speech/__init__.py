"""Read-aloud without a network or a desktop: voices, synthesis, a cache (no Qt here)."""
