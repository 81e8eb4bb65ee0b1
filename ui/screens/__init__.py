"""The screens of the visitor journey; each is built for one language and thrown away after."""
