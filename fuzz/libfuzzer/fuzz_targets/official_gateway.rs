#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qqbot_fuzz::Target::OfficialGateway.run(data));
