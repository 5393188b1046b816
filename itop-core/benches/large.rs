//! Large-data benchmarks: one binary, several modes, driven by
//! `bench/run.sh` (which also runs curl for comparison and reads peak RSS
//! with `/usr/bin/time`).
//!
//! * `sink` — a minimal loopback server: `import.php` discards the body
//!   (counting its lines) and answers a summary report; `export-v2.php`
//!   sends `ITOP_BENCH_EXPORT_BYTES` bytes of generated CSV.
//! * `gen <path> <bytes>` — writes an import CSV of about that size.
//! * `form <csv> <body>` — writes the form body our client sends for that
//!   CSV, for curl to send as is (`curl -T`).
//! * `upload <url> <file> [<rows> <bytes>]` — `Client::import`, or
//!   `Client::import_chunked` with these limits.
//! * `export <url> <path>` — `Client::export_to_path`.
//! * `decode <megabytes>` — typed rows (owned, and lent by `RowReader`
//!   into a borrowing struct) against the csv crate's raw `ByteRecord`
//!   reading of the same bytes, in memory.
//!
//! A plain benchmark, not a timed test: nothing here asserts.

use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Instant;

use itop_core::rows::{RowReader, TypedRows};
use itop_core::{ChunkOptions, Client, Credentials, CsvData, ExportRequest, ImportRequest, Secret};

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    match arg(0) {
        "sink" => sink(arg(1)),
        "gen" => generate(Path::new(arg(1)), arg(2).parse()?),
        "form" => form_body(Path::new(arg(1)), Path::new(arg(2))),
        "upload" => upload(arg(1), arg(2), args.get(3).zip(args.get(4))),
        "export" => export(arg(1), arg(2)),
        "decode" => decode(arg(1).parse().unwrap_or(64)),
        _ => {
            eprintln!("run bench/run.sh; modes: sink, gen, upload, export, decode");
            Ok(())
        }
    }
}

/// One import row of about 100 bytes; `n` makes it unique.
fn import_row(n: u64, out: &mut Vec<u8>) {
    let _ = writeln!(
        out,
        "\"Zoé{n}\",\"Müller-Lüdenscheidt\",\"Lab Org A\",\"p{n}.bench@test.example\",\"Analyst, senior\""
    );
}

fn generate(path: &Path, bytes: u64) -> BenchResult {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut block = b"first_name,name,org_id->name,email,function\n".to_vec();
    let (mut written, mut n) = (0u64, 0u64);
    while written < bytes {
        import_row(n, &mut block);
        n += 1;
        if block.len() > 1 << 16 || written + block.len() as u64 >= bytes {
            out.write_all(&block)?;
            written += block.len() as u64;
            block.clear();
        }
    }
    out.flush()?;
    println!("{n} rows, {written} bytes");
    Ok(())
}

/// The form encoding of `bytes`, as browsers and our client write it.
fn encode(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(b);
        } else if b == b' ' {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

fn form_body(csv: &Path, body: &Path) -> BenchResult {
    let mut input = BufReader::with_capacity(1 << 16, std::fs::File::open(csv)?);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(body)?);
    out.write_all(b"auth_user=admin&auth_pwd=bench&class=Person&output=summary&no_localize=1&separator=%2C&qualifier=%22&charset=UTF-8&reconciliationkeys=email&simulate=0&csvdata=")?;
    let mut encoded = Vec::with_capacity(3 << 16);
    loop {
        let piece = input.fill_buf()?;
        if piece.is_empty() {
            break;
        }
        encoded.clear();
        encode(piece, &mut encoded);
        out.write_all(&encoded)?;
        let n = piece.len();
        input.consume(n);
    }
    out.flush()?;
    Ok(())
}

fn client(url: &str) -> BenchResult<Client> {
    Ok(Client::builder()
        .url(url)
        .credentials(Credentials::password("admin", Secret::new("bench")))
        .build()?)
}

fn upload(url: &str, file: &str, chunked: Option<(&String, &String)>) -> BenchResult {
    let client = client(url)?;
    let request = ImportRequest::new("Person").reconciliation_keys(["email"]);
    let started = Instant::now();
    let lines = match chunked {
        None => client
            .import(&request, CsvData::path(file))?
            .summary
            .map(|s| s.data_lines),
        Some((rows, bytes)) => {
            let options = ChunkOptions::default()
                .rows(rows.parse()?)
                .bytes(bytes.parse()?);
            let done =
                client.import_chunked(&request, CsvData::path(file), options, &mut |_| {})?;
            if let Some(stop) = done.interrupted {
                return Err(stop.to_string().into());
            }
            done.report.summary.map(|s| s.data_lines)
        }
    };
    eprintln!(
        "upload: {lines:?} lines in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn export(url: &str, path: &str) -> BenchResult {
    let request = ExportRequest::oql("SELECT Person").fields(["first_name", "name", "email"]);
    let started = Instant::now();
    let outcome = client(url)?.export_to_path(&request, Path::new(path))?;
    eprintln!(
        "export: {} bytes in {:.3} s",
        outcome.bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The columns of the generated export.
#[derive(serde::Deserialize)]
#[expect(dead_code, reason = "decoded to be measured, not read")]
struct ExportedPerson {
    id: u64,
    first_name: String,
    name: String,
    email: String,
    #[serde(rename = "org_id->name")]
    org: String,
}

/// An export row of about 100 bytes.
fn export_row(n: u64, out: &mut Vec<u8>) {
    let _ = writeln!(
        out,
        "{n},\"Zoé{n}\",\"Müller-Lüdenscheidt\",\"p{n}.bench@test.example\",\"Lab Org A\""
    );
}

const EXPORT_HEADER: &[u8] = b"\"id\",\"first_name\",\"name\",\"email\",\"org_id->name\"\n";

fn decode(megabytes: u64) -> BenchResult {
    let mut data = EXPORT_HEADER.to_vec();
    let mut n = 0;
    while (data.len() as u64) < megabytes << 20 {
        export_row(n, &mut data);
        n += 1;
    }
    let raw = best_of(3, || raw_records(&data))?;
    let typed = best_of(3, || typed_rows(&data))?;
    let lent = best_of(3, || lent_rows(&data))?;
    let positional = best_of(3, || positional_rows(&data))?;
    let borrowed = best_of(3, || borrowed_rows(&data))?;
    println!(
        "  experiment positional owned: {:.2}, borrowed by name (csv alone): {:.2}",
        raw / positional,
        raw / borrowed
    );
    let mb = data.len() as f64 / 1e6;
    println!("decode: {n} rows, {mb:.0} MB");
    println!("  csv ByteRecord:         {:8.1} MB/s", mb / raw);
    println!("  TypedRows (owned):      {:8.1} MB/s", mb / typed);
    println!("  RowReader (borrowing):  {:8.1} MB/s", mb / lent);
    println!("  ratio owned/raw: {:.2}", raw / typed);
    println!("  ratio borrowing/raw: {:.2} (goal >= 0.80)", raw / lent);
    Ok(())
}

fn best_of(runs: usize, mut f: impl FnMut() -> BenchResult<u64>) -> BenchResult<f64> {
    let mut best = f64::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        black_box(f()?);
        best = best.min(started.elapsed().as_secs_f64());
    }
    Ok(best)
}

fn raw_records(data: &[u8]) -> BenchResult<u64> {
    let mut reader = csv::Reader::from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut fields = 0;
    while reader.read_byte_record(&mut record)? {
        fields += record.len() as u64;
    }
    Ok(fields)
}

fn positional_rows(data: &[u8]) -> BenchResult<u64> {
    let mut reader = csv::Reader::from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record)? {
        black_box(record.deserialize::<ExportedPerson>(None)?);
        rows += 1;
    }
    Ok(rows)
}

#[derive(serde::Deserialize)]
#[expect(dead_code, reason = "decoded to be measured, not read")]
struct BorrowedPerson<'a> {
    id: u64,
    first_name: &'a str,
    name: &'a str,
    email: &'a str,
    #[serde(rename = "org_id->name")]
    org: &'a str,
}

fn borrowed_rows(data: &[u8]) -> BenchResult<u64> {
    let mut reader = csv::Reader::from_reader(data);
    let headers = reader.byte_headers()?.clone();
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record)? {
        black_box(record.deserialize::<BorrowedPerson<'_>>(Some(&headers))?);
        rows += 1;
    }
    Ok(rows)
}

fn lent_rows(data: &[u8]) -> BenchResult<u64> {
    let mut reader = RowReader::new(data)?;
    let mut rows = 0;
    while let Some(row) = reader.next_row() {
        black_box(row?.decode::<BorrowedPerson<'_>>()?);
        rows += 1;
    }
    Ok(rows)
}

fn typed_rows(data: &[u8]) -> BenchResult<u64> {
    let mut rows = 0;
    for row in TypedRows::<_, ExportedPerson>::new(data)? {
        black_box(row?);
        rows += 1;
    }
    Ok(rows)
}

fn sink(port_file: &str) -> BenchResult {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    std::fs::write(port_file, listener.local_addr()?.port().to_string())?;
    let export_bytes: u64 = std::env::var("ITOP_BENCH_EXPORT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 30);
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            if let Err(err) = serve(stream, export_bytes) {
                eprintln!("sink: {err}");
            }
        });
    }
    Ok(())
}

fn serve(stream: TcpStream, export_bytes: u64) -> BenchResult {
    let mut reader = BufReader::with_capacity(1 << 16, stream.try_clone()?);
    let (path, length) = read_head(&mut reader)?;
    let lines = discard_body(&mut reader, length)?;
    let mut out = BufWriter::with_capacity(1 << 16, stream);
    if path.ends_with("export-v2.php") {
        send_export(&mut out, export_bytes)?;
    } else {
        let report = import_report(lines.saturating_sub(1), length);
        write!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{report}",
            report.len()
        )?;
    }
    out.flush()?;
    Ok(())
}

fn read_head(reader: &mut impl BufRead) -> BenchResult<(String, u64)> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
    let mut length = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            return Ok((path, length));
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse()?;
        }
    }
}

/// Reads `length` bytes; counts the encoded newlines (`%0A`).
fn discard_body(reader: &mut impl Read, length: u64) -> BenchResult<u64> {
    let mut buf = vec![0u8; 1 << 16];
    let (mut left, mut lines, mut tail) = (length, 0u64, [0u8; 2]);
    while left > 0 {
        let want = buf.len().min(usize::try_from(left)?);
        let n = reader.read(&mut buf[..want])?;
        if n == 0 {
            break;
        }
        let piece = &buf[..n];
        lines += piece.windows(3).filter(|w| w == b"%0A").count() as u64;
        lines += u64::from(tail == *b"%0" && piece[0] == b'A');
        lines += u64::from(tail[1] == b'%' && piece.starts_with(b"0A"));
        tail = [tail[1], piece[n - 1]];
        if n >= 2 {
            tail = [piece[n - 2], piece[n - 1]];
        }
        left -= n as u64;
    }
    Ok(lines)
}

fn import_report(lines: u64, size: u64) -> String {
    format!(
        "#Output format: summary\n#Class: Person\n#Separator: ,\n#Qualifier: \"\n\
         #Charset Encoding:UTF-8\n#Date format: <none>\n#Localize: no\n#Data Size: {size}\n\
         #Data Lines: {lines}\n#Simulate: 0\n#Columns: first_name, name, org_id->name, email, function\n\
         #Reconciliation Keys: email\n#Change tracking comment: \n#Issues: 0\n#Warnings: 0\n\
         #Created: {lines}\n#Updated: 0\n#Unchanged: 0\n"
    )
}

fn send_export(out: &mut impl Write, bytes: u64) -> BenchResult {
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/csv;charset=utf-8\r\n\
         Content-Disposition: attachment; filename=\"Person Export.csv\"\r\nConnection: close\r\n\r\n"
    )?;
    let mut block = EXPORT_HEADER.to_vec();
    let (mut sent, mut n) = (0u64, 0u64);
    while sent < bytes {
        while block.len() < 1 << 16 {
            export_row(n, &mut block);
            n += 1;
        }
        let take = block.len().min(usize::try_from(bytes - sent)?);
        out.write_all(&block[..take])?;
        sent += take as u64;
        block.clear();
    }
    Ok(())
}
