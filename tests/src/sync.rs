//! Synchronization engine.
