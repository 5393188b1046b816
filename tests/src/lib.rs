//! Loopback imitation of iTop.
