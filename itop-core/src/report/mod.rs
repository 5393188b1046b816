//! Parsers for what the services answer.
