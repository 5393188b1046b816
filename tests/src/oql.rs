//! OQL subset.
