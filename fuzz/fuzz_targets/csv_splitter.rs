//! The CSV splitter of chunked uploads never panics, and what it cuts
//! keeps its promises: every chunk starts with the header, holds between
//! one and `rows` records, fits in `bytes` once form-encoded, and rows are
//! numbered without gap from one chunk to the next.
#![no_main]

use itop_core::ChunkOptions;
use itop_core::chunk::{Chunk, Splitter};
use libfuzzer_sys::fuzz_target;

const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];
const QUALIFIERS: [u8; 2] = [b'"', b'\''];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, csv)) = data.split_first() else {
        return;
    };
    let separator = SEPARATORS[usize::from(selector & 3)];
    let qualifier = QUALIFIERS[usize::from((selector >> 2) & 1)];
    let strip_bom = selector & 8 != 0;
    let rows = u64::from(selector >> 4) + 1;
    let bytes = 64 + u64::from(selector) * 8;
    let options = ChunkOptions::default().rows(rows).bytes(bytes);
    let mut splitter = Splitter::new(csv, separator, qualifier, strip_bom, options);
    let chunks: Vec<Chunk> = splitter.by_ref().map_while(Result::ok).collect();
    let header = splitter.header();
    let mut next_row = None;
    for chunk in &chunks {
        assert!(chunk.data.starts_with(header), "chunk without the header");
        assert!((1..=rows).contains(&chunk.rows), "{} rows", chunk.rows);
        assert_eq!(chunk.record_lines.len() as u64, chunk.rows);
        assert!(
            chunk.encoded_len <= bytes,
            "{} > {bytes}",
            chunk.encoded_len
        );
        if let Some(expected) = next_row {
            assert_eq!(chunk.first_row, expected, "rows not contiguous");
        }
        next_row = Some(chunk.end_row());
    }
});
