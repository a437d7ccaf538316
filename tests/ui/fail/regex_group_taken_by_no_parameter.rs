use qqbot::prelude::*;

// The group `unit` is named, the handler takes typed parameters, but none is called `unit`.
#[command(regex = r"^(?P<amount>\d+)(?P<unit>[a-z]+)$")]
async fn convert(amount: f64) -> String {
    amount.to_string()
}

fn main() {}
