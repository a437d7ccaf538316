use qqbot::prelude::*;

#[command("hi", custom_short_circuit = true)]
async fn hi() -> String {
    "hi".to_owned()
}

fn main() {}
