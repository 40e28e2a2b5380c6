//! libFuzzer entry point of the `extract` target: [`veille_fuzz::extract`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::extract(data));
