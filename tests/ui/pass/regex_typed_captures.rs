use qqbot::prelude::*;

type Int = i64;

// Named groups bind by name, whatever the parameters' order; extractors take no group.
#[command(regex = r"^(?P<a>-?\d+)\s*\+\s*(?P<b>-?\d+)$")]
async fn add(ctx: Ctx, b: Int, a: i64) -> String {
    let _ = ctx;
    (a + b).to_string()
}

// Unnamed groups bind in order; `Option` for a group that may not take part; `Captures` still works.
#[command(regex = r"^(\w+) x(\d+)(?: (\d+))?$")]
async fn repeat(word: String, times: u32, extra: Option<u32>, caps: Captures) -> String {
    let _ = caps;
    word.repeat((times + extra.unwrap_or(0)) as usize)
}

// Without typed parameters, named groups need no parameter.
#[command(regex = r"^(?P<any>.+)!$")]
async fn shout(caps: Captures) -> String {
    caps.name("any").unwrap_or_default().to_uppercase()
}

// Every pattern binds every typed parameter; `Vec` is fine in a regex command: it takes its own group.
#[command(regex = [r"^sum (?P<ns>[\d ]+)$", r"^(?P<ns>[\d ]+) sum$"])]
async fn sum(ns: Vec<i64>) -> String {
    ns.iter().sum::<i64>().to_string()
}

// A custom short-circuit handler may reply.
#[command("gate", custom_short_circuit = true)]
async fn gate(text: Text) -> Flow {
    if text.len() > 4 { Flow::stop("long") } else { Flow::next() }
}

#[command("pair", custom_short_circuit = true)]
async fn pair() -> (bool, String) {
    (false, "passing on".to_owned())
}

#[command("fallible", custom_short_circuit = true)]
async fn fallible() -> Result<bool, String> {
    Ok(true)
}

#[derive(Default)]
struct Counter;

#[command("count")]
async fn count(counter: State<Counter>) {
    let _ = counter;
}

fn main() {
    // Commands may be declared inside a function too.
    #[command("inner")]
    async fn ask(n: u32) -> String {
        n.to_string()
    }

    assert_eq!(add::command().params.len(), 2);
    assert_eq!(repeat::command().params.len(), 3);
    let _ = (shout::command(), sum::command(), gate::command(), pair::command(), fallible::command());
    assert_eq!(count::command().requirements, vec![qqbot::command::Requirement::state::<Counter>()]);
    assert_eq!(ask::command().words, vec!["inner".to_owned()]);
    let _ = ask(1);
}
