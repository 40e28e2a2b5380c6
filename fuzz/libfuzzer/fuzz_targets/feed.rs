//! libFuzzer entry point of the `feed` target: [`veille_fuzz::feed`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::feed(data));
