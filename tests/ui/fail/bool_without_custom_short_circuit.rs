use qqbot::prelude::*;

// `bool` decides whether the chain stops: only a `custom_short_circuit` handler may return it.
#[command("maybe")]
async fn maybe(text: Text) -> bool {
    text.len() > 5
}

fn main() {}
