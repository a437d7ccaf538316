//! Shared helpers of the `onebot_api_*` tests: realistic answers from the payload corpus.

#![allow(dead_code)]

use serde_json::{Value, json};

/// The payload corpus, copied from the shared protocol research (see `corpus/onebot/PROVENANCE.md`).
pub fn corpus(name: &str) -> Value {
    let path = format!("{}/corpus/onebot/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("corpus file {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("corpus file {path}: {e}"))
}

/// A success envelope around `data`, as NapCat sends it.
pub fn ok(data: Value) -> Value {
    json!({"status": "ok", "retcode": 0, "data": data, "message": "", "wording": "", "stream": "normal-action"})
}
