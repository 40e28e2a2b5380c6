//! practice (being written)
