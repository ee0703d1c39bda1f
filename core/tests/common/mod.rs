//! Shared by the corpus tests: where the test data lives.
// Each test crate compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use std::path::PathBuf;

/// `tests/data/<dir>` at the repository root.
pub fn data_dir(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(dir)
}

/// The files of `tests/data/<dir>` ending in `.<ext>`, sorted.
pub fn data_files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir(dir))
        .unwrap_or_else(|e| panic!("tests/data/{dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}
