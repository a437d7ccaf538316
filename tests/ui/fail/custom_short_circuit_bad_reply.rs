use qqbot::prelude::*;

// The reply half of `(bool, reply)` must be a reply type.
#[command("gate", custom_short_circuit = true)]
async fn gate() -> (bool, u64) {
    (true, 42)
}

fn main() {}
