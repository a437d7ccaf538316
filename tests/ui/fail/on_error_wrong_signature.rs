use qqbot::prelude::*;

// An error hook takes the context and the error, and says whether it handled it.
async fn hook(error: CommandError) -> bool {
    error.is_skip()
}

#[command("/x", on_error = hook)]
async fn x() -> &'static str {
    "x"
}

fn main() {}
