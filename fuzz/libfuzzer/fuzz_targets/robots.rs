//! libFuzzer entry point of the `robots` target: [`veille_fuzz::robots`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::robots(data));
