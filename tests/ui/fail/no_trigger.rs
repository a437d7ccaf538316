use qqbot::prelude::*;

#[command(at = true)]
async fn hi() {}

fn main() {}
