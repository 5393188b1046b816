//! Removing a UTF-8 byte-order mark from the start of a stream.

use std::io::{self, Write};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A writer that drops a UTF-8 BOM at the very start of what it is given.
pub(crate) struct BomSkipper<'a> {
    inner: &'a mut dyn Write,
    /// Bytes of a possible BOM held back so far.
    held: Vec<u8>,
    decided: bool,
    skipped: u64,
}

impl<'a> BomSkipper<'a> {
    pub(crate) fn new(inner: &'a mut dyn Write) -> BomSkipper<'a> {
        BomSkipper {
            inner,
            held: Vec::new(),
            decided: false,
            skipped: 0,
        }
    }

    /// How many bytes were dropped (0 or 3).
    pub(crate) fn skipped(&self) -> u64 {
        self.skipped
    }
}

impl Write for BomSkipper<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.decided {
            return self.inner.write(buf);
        }
        let take = (BOM.len() - self.held.len()).min(buf.len());
        self.held.extend_from_slice(&buf[..take]);
        if !BOM.starts_with(&self.held) {
            self.decided = true;
            self.inner.write_all(&self.held)?;
        } else if self.held.len() == BOM.len() {
            self.decided = true;
            self.skipped = BOM.len() as u64;
        }
        if self.decided {
            self.inner.write_all(&buf[take..])?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.decided {
            self.inner.write_all(&self.held)?;
            self.held.clear();
            self.decided = true;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(chunks: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut skipper = BomSkipper::new(&mut out);
        for chunk in chunks {
            skipper.write_all(chunk).unwrap();
        }
        skipper.flush().unwrap();
        out
    }

    #[test]
    fn drops_a_bom_split_over_writes() {
        assert_eq!(through(&[b"\xEF", b"\xBB\xBFa,b"]), b"a,b");
    }

    #[test]
    fn keeps_everything_else() {
        assert_eq!(through(&[b"\xEFx"]), b"\xEFx");
        assert_eq!(through(&[b"ab", b"c"]), b"abc");
        assert_eq!(through(&[b"\xEF\xBB"]), b"\xEF\xBB");
    }
}
