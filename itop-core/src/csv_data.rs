//! The CSV to upload: a file, bytes in memory, or any reader.
//!
//! Uploads are streamed: a file is read twice (once to size the request
//! body, once to send it) and never held in memory; a reader of unknown size
//! is first copied to a private temporary file.

use std::{
    fs::File,
    io::{self, Read, Seek, SeekFrom},
    path::{Path, PathBuf},
};

use crate::{Error, Result};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// CSV data for `import.php` or `synchro_import.php`.
pub struct CsvData(Source);

enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
    Reader(Box<dyn Read + Send>),
}

impl CsvData {
    /// The CSV file at `path`.
    pub fn path(path: impl Into<PathBuf>) -> CsvData {
        CsvData(Source::Path(path.into()))
    }

    /// CSV bytes held in memory.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> CsvData {
        CsvData(Source::Bytes(bytes.into()))
    }

    /// CSV read from any reader (spooled to a private temporary file).
    pub fn reader(reader: impl Read + Send + 'static) -> CsvData {
        CsvData(Source::Reader(Box::new(reader)))
    }

    /// Makes the data seekable: opens the file, or spools a reader.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or the reader fails.
    pub(crate) fn open(self) -> Result<Spooled> {
        match self.0 {
            Source::Path(path) => {
                let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
                Ok(Spooled::File {
                    file,
                    path,
                    _temp: None,
                })
            }
            Source::Bytes(bytes) => Ok(Spooled::Bytes(io::Cursor::new(bytes))),
            Source::Reader(mut reader) => spool(&mut reader),
        }
    }
}

impl std::fmt::Debug for CsvData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Source::Path(path) => f.debug_tuple("CsvData::Path").field(path).finish(),
            Source::Bytes(bytes) => write!(f, "CsvData::Bytes({} bytes)", bytes.len()),
            Source::Reader(_) => f.write_str("CsvData::Reader"),
        }
    }
}

fn spool(reader: &mut dyn Read) -> Result<Spooled> {
    let mut temp = tempfile::NamedTempFile::new()?;
    io::copy(reader, temp.as_file_mut())?;
    let path = temp.path().to_owned();
    let mut file = temp.reopen().map_err(|e| Error::io(&path, e))?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Spooled::File {
        file,
        path,
        _temp: Some(temp),
    })
}

/// Seekable CSV data, ready to be sized and sent.
pub(crate) enum Spooled {
    /// A file on disk (the caller's or our temporary copy).
    File {
        file: File,
        path: PathBuf,
        _temp: Option<tempfile::NamedTempFile>,
    },
    /// Bytes in memory.
    Bytes(io::Cursor<Vec<u8>>),
}

impl Spooled {
    /// The file's path, when the data is a file.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Spooled::File { path, .. } => Some(path),
            Spooled::Bytes(_) => None,
        }
    }

    /// The data's size in bytes (0 when it cannot be told).
    pub(crate) fn len(&self) -> u64 {
        match self {
            Spooled::File { file, .. } => file.metadata().map_or(0, |m| m.len()),
            Spooled::Bytes(cursor) => cursor.get_ref().len() as u64,
        }
    }

    /// How the data is named in messages: its path, or "the CSV data".
    pub(crate) fn origin(&self) -> String {
        match self.path() {
            Some(path) => path.display().to_string(),
            None => "the CSV data".to_owned(),
        }
    }

    /// Reads the data once to check that it is UTF-8 (past a BOM), then
    /// rewinds it.
    pub(crate) fn check_utf8(&mut self) -> Result<()> {
        let origin = self.origin();
        let mut check = crate::utf8_check::Utf8Check::new();
        self.rewind(true)?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.read(&mut buf).map_err(|e| match self.path() {
                Some(p) => Error::io(p, e),
                None => Error::from(e),
            })?;
            if n == 0 {
                break;
            }
            check.feed(&buf[..n], &origin)?;
        }
        check.finish(&origin)?;
        self.rewind(false)
    }

    /// Positions the data at its start, past a UTF-8 BOM when `strip_bom`.
    pub(crate) fn rewind(&mut self, strip_bom: bool) -> Result<()> {
        let path = self.path().map(Path::to_owned);
        let wrap = |e: io::Error| match &path {
            Some(p) => Error::io(p, e),
            None => Error::from(e),
        };
        self.seek(SeekFrom::Start(0)).map_err(wrap)?;
        if strip_bom {
            let mut head = [0u8; 3];
            let n = read_up_to(self, &mut head).map_err(wrap)?;
            if &head[..n] != BOM {
                self.seek(SeekFrom::Start(0)).map_err(wrap)?;
            }
        }
        Ok(())
    }
}

fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

impl Read for Spooled {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Spooled::File { file, .. } => file.read(buf),
            Spooled::Bytes(cursor) => cursor.read(buf),
        }
    }
}

impl Seek for Spooled {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Spooled::File { file, .. } => file.seek(pos),
            Spooled::Bytes(cursor) => cursor.seek(pos),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut spooled: Spooled, strip: bool) -> Vec<u8> {
        spooled.rewind(strip).unwrap();
        let mut out = Vec::new();
        spooled.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn bom_is_skipped_only_when_asked() {
        let data = b"\xEF\xBB\xBFa,b\n".to_vec();
        let stripped = read_all(CsvData::bytes(data.clone()).open().unwrap(), true);
        assert_eq!(stripped, b"a,b\n");
        let kept = read_all(CsvData::bytes(data.clone()).open().unwrap(), false);
        assert_eq!(kept, data);
    }

    #[test]
    fn short_data_without_bom_is_kept_whole() {
        let out = read_all(CsvData::bytes(b"a".to_vec()).open().unwrap(), true);
        assert_eq!(out, b"a");
    }

    #[test]
    fn readers_are_spooled_to_a_file() {
        let spooled = CsvData::reader(io::Cursor::new(b"x;y\n1;2\n".to_vec()))
            .open()
            .unwrap();
        assert!(spooled.path().is_some());
        assert_eq!(read_all(spooled, true), b"x;y\n1;2\n");
    }

    #[test]
    fn missing_file_names_the_path() {
        let Err(err) = CsvData::path("/nonexistent/people.csv").open() else {
            panic!("a missing file must not open");
        };
        assert!(err.to_string().contains("/nonexistent/people.csv"), "{err}");
    }
}
