//! libFuzzer entry point of the `search` target: [`veille_fuzz::search`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::search(data));
