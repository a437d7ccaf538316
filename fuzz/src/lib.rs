//! Fuzz targets for every qqbot decoder that reads network input, and a structure-aware mutational fuzzer that
//! runs on stable Rust.
//!
//! Each [`Target`] feeds bytes to the same functions the adapters call on what arrives from the network (OneBot
//! frames, CQ strings and segment arrays, official gateway frames and dispatch bodies, webhook requests, the
//! reverse-WebSocket handshake) and to the configuration loader. A target must never panic, hang or use memory
//! out of proportion to its input, whatever the bytes.
//!
//! Two ways to run them (see `docs/src/fuzzing.md`):
//! - `cargo run -p qqbot-fuzz --release -- fuzz <target|all> --runs 10000000`: this crate's own engine
//!   ([`engine`]), seeded with the payload corpus and mutating types, lengths, nesting, Unicode and numbers;
//! - `cargo fuzz run --fuzz-dir fuzz/libfuzzer -s none <target>`: libFuzzer, coverage-guided, on the same
//!   targets (works on the stable toolchain with `-s none`).
//!
//! `cargo test` runs every target with a fixed seed for a few thousand inputs.

pub mod engine;
pub mod mutate;
pub mod seeds;
pub mod targets;

pub use engine::{Outcome, Run, run};
pub use targets::Target;
