//! libFuzzer entry point of the `date` target: [`veille_fuzz::date`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::date(data));
