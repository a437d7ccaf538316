use qqbot::prelude::*;

type Numbers = Vec<i64>;

// `numbers` would take every argument, leaving none for `factor` (the alias is classified like `Vec`).
#[command("scale")]
async fn scale(numbers: Numbers, factor: i64) -> String {
    format!("{:?}", numbers.iter().map(|n| n * factor).collect::<Vec<_>>())
}

fn main() {}
