//! Fingerprints of copies are close; of different texts, far.

use super::fingerprint;
use veille_store::MAX_DUPLICATE_DISTANCE;

const RELEASE: &str = "The city of Bilbao and the Basque social economy network launched a \
    fund of two million euros for worker cooperatives on Monday. The fund will lend to new \
    cooperatives created by workers who take over their company when the owner retires, and \
    will train their members in self-management with the support of the regional government. \
    Since 2015, more than forty companies in the province have been taken over by their \
    employees in this way, saving some nine hundred jobs, according to the federation of \
    worker cooperatives. The new fund doubles the money available and adds a guarantee scheme \
    with the ethical bank, so that the banks of the region lend at the same rates as to any \
    other company. Applications open in September at the offices of the network in Bilbao, \
    Donostia and Vitoria-Gasteiz.";

fn distance(a: &str, b: &str) -> u32 {
    (fingerprint(a).unwrap() ^ fingerprint(b).unwrap()).count_ones()
}

#[test]
fn syndicated_copies_are_near_duplicates() {
    let copy = format!("Published on 12 May 2024. {RELEASE} Share this article.");
    let typo = RELEASE.replace("two million", "2 million");
    assert!(
        distance(RELEASE, &copy) <= MAX_DUPLICATE_DISTANCE,
        "{}",
        distance(RELEASE, &copy)
    );
    assert!(
        distance(RELEASE, &typo) <= MAX_DUPLICATE_DISTANCE,
        "{}",
        distance(RELEASE, &typo)
    );
}

#[test]
fn different_texts_are_far_apart() {
    let other = "Seoul's social economy centre opened a new support hub for social enterprises \
        in Seongdong, offering shared offices, legal advice and public procurement training to \
        more than sixty young entrepreneurs, with funding from the metropolitan government and \
        the national social enterprise promotion agency.";
    assert!(
        distance(RELEASE, other) > 10,
        "{}",
        distance(RELEASE, other)
    );
}

#[test]
fn short_texts_have_no_fingerprint() {
    assert_eq!(fingerprint("A short note about a cooperative."), None);
}
