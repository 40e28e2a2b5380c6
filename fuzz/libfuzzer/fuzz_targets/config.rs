//! libFuzzer entry point of the `config` target: [`veille_fuzz::config`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::config(data));
