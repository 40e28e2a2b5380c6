//! language (being written)
