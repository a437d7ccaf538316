use qqbot::prelude::*;

#[command(regex = r"(\d+")]
async fn numbers() {}

fn main() {}
