//! Parsing and route-building throughput over the test corpus.
//!
//! `cargo bench -p iprev-core --bench parse` (or `make bench`): reports
//! messages per second and bytes per second for whole-message analysis, and
//! fields per second for single `Received:` values.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iprev_core::{AnalyzeOptions, analyze, received};
use std::hint::black_box;
use std::path::PathBuf;

fn data(dir: &str, ext: &str) -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("test data present")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
}

fn messages(c: &mut Criterion) {
    let inputs: Vec<Vec<u8>> = data("messages", "eml").iter().map(|p| std::fs::read(p).expect("fixture")).collect();
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let options = AnalyzeOptions::default();
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("messages", |b| {
        b.iter(|| {
            for input in &inputs {
                black_box(analyze(black_box(input), "bench", &options).ok());
            }
        });
    });
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("bytes", |b| {
        b.iter(|| {
            for input in &inputs {
                black_box(analyze(black_box(input), "bench", &options).ok());
            }
        });
    });
    group.finish();
}

fn received_fields(c: &mut Criterion) {
    let mut raws = Vec::new();
    for path in data("received", "json") {
        let text = std::fs::read_to_string(&path).expect("corpus");
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("corpus json");
        raws.extend(cases.iter().filter_map(|c| c["raw"].as_str().map(str::to_string)));
    }
    let mut group = c.benchmark_group("received");
    group.throughput(Throughput::Elements(raws.len() as u64));
    group.bench_function("fields", |b| {
        b.iter(|| {
            for raw in &raws {
                black_box(received::parse(black_box(raw)));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, messages, received_fields);
criterion_main!(benches);
