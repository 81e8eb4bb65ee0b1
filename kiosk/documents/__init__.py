"""PDF documents of an application: office copy, visitor copy, receipt, info sheet."""
