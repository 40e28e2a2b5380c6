//! Kits: made, corrected with versions, their history kept append-only;
//! refused when they name no practice or a practice twice; the public sees
//! only published practices, in the kit's order.

use super::*;
use crate::db::params;
use crate::practices::tests::at_once;
use crate::tests::on_each_engine;
use crate::tests::with_causes;
use crate::{PracticeDraft, PracticeEdit};

fn texts(pairs: &[(&str, &str)]) -> Texts {
    pairs
        .iter()
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect()
}

fn practice(store: &Store, name: &str, status: PracticeStatus) -> String {
    let draft = PracticeDraft {
        name: name.to_string(),
        status,
        ..PracticeDraft::default()
    };
    store.create_practice(&draft, "ana").unwrap().id
}

fn kit(ids: &[&str]) -> KitDraft {
    KitDraft {
        title: texts(&[
            ("en", "Municipal support for housing cooperatives"),
            ("fr", "Le soutien municipal aux coopératives d'habitation"),
        ]),
        introduction: texts(&[("en", "Why cities help.")]),
        practices: ids
            .iter()
            .map(|id| KitEntry {
                practice_id: id.to_string(),
                note: texts(&[("en", "A model.")]),
            })
            .collect(),
        ..KitDraft::default()
    }
}

on_each_engine! {
    fn a_kit_is_made_corrected_with_versions_and_its_history_kept(store: Store) {
        let p1 = practice(&store, "Bilbao", PracticeStatus::Published);
        let k = store.create_kit(&kit(&[&p1]), "ana").unwrap();
        assert_eq!((k.id.as_str(), k.version), ("k1", 1));
        assert_eq!(k.languages, vec!["en", "fr"]);
        assert_eq!(store.kit("k1").unwrap().unwrap(), k);

        let mut changed = k.kit.clone();
        changed.status = PracticeStatus::Published;
        let KitEdit::Done(done) = store.update_kit("k1", 1, &changed, "ben").unwrap() else {
            panic!("not done");
        };
        assert_eq!(done.version, 2);
        assert_eq!(done.kit.status, PracticeStatus::Published);

        // A write based on version 1 is refused and shows the kit as it is.
        let KitEdit::Stale(now) = store.update_kit("k1", 1, &kit(&[]), "ana").unwrap() else {
            panic!("not stale");
        };
        assert_eq!(now.version, 2);
        assert_eq!(
            store.update_kit("k9", 1, &kit(&[]), "ana").unwrap(),
            KitEdit::NotFound
        );

        let history = store.kit_history("k1").unwrap();
        let actions: Vec<(&str, &str)> = history
            .iter()
            .map(|h| (h.action.as_str(), h.actor.as_str()))
            .collect();
        assert_eq!(actions, vec![("create", "ana"), ("update", "ben")]);
        assert_eq!(history[1].before["status"], "draft");
        assert_eq!(history[1].after["status"], "published");

        // The history cannot be rewritten.
        for sql in ["DELETE FROM kit_audit", "UPDATE kit_audit SET actor = 'eve'"] {
            let err = with_causes(&store.exec(sql, params![]).unwrap_err());
            assert!(err.contains("kit_audit is append-only"), "{sql}: {err}");
        }
        assert_eq!(store.kit_history("k1").unwrap(), history);
    }
}

on_each_engine! {
    fn a_kit_names_existing_practices_once_and_has_a_title(store: Store) {
        let p1 = practice(&store, "Bilbao", PracticeStatus::Draft);
        let err = store.create_kit(&kit(&[&p1, "p9"]), "ana").unwrap_err();
        assert!(err.to_string().contains("no practice \"p9\""), "{err}");
        let err = store.create_kit(&kit(&[&p1, &p1]), "ana").unwrap_err();
        assert!(err.to_string().contains("given twice"), "{err}");
        for title in [texts(&[]), texts(&[("en", "Housing"), ("fr", "  ")])] {
            let untitled = KitDraft {
                title,
                ..KitDraft::default()
            };
            let err = store.create_kit(&untitled, "ana").unwrap_err();
            assert!(err.to_string().contains("title"), "{err}");
        }
        let mut bad_lang = kit(&[]);
        bad_lang.title.insert("EN".to_string(), "x".to_string());
        let err = store.create_kit(&bad_lang, "ana").unwrap_err();
        assert!(err.to_string().contains("ISO 639-1"), "{err}");
        // Nothing was stored by the refused writes.
        assert!(store.kits(None).unwrap().is_empty());
    }
}

on_each_engine! {
    fn the_public_sees_the_published_practices_in_the_kits_order(store: Store) {
        let a = practice(&store, "A", PracticeStatus::Published);
        let b = practice(&store, "B", PracticeStatus::Draft);
        let c = practice(&store, "C", PracticeStatus::Published);
        let k = store.create_kit(&kit(&[&c, &b, &a]), "ana").unwrap();
        let names = |public| -> Vec<String> {
            store
                .kit_practices(&k, public)
                .unwrap()
                .into_iter()
                .map(|(_, p)| p.record.name)
                .collect()
        };
        assert_eq!(names(false), vec!["C", "B", "A"]);
        assert_eq!(names(true), vec!["C", "A"]);
        let mut published: Vec<String> = store
            .published_practices(&[&a, &b, &c, "p99"])
            .unwrap()
            .into_iter()
            .collect();
        published.sort();
        assert_eq!(published, vec![a.clone(), c.clone()]);

        // Withdrawing a practice takes it out of the public kit.
        let current = store.practice(&c).unwrap().unwrap();
        let mut withdrawn = current.record.clone();
        withdrawn.status = PracticeStatus::Withdrawn;
        assert!(matches!(
            store.update_practice(&c, 1, &withdrawn, "ana").unwrap(),
            PracticeEdit::Done(_)
        ));
        assert_eq!(names(true), vec!["A"]);
    }
}

on_each_engine! {
    fn the_portals_generation_moves_with_every_write_to_a_practice_or_a_kit(store: Store) {
        assert_eq!(store.portal_generation().unwrap(), 0);
        let p = practice(&store, "A", PracticeStatus::Published);
        let after_practice = store.portal_generation().unwrap();
        assert!(after_practice > 0);
        store.create_kit(&kit(&[&p]), "ana").unwrap();
        let after_kit = store.portal_generation().unwrap();
        assert!(after_kit > after_practice);
        let mut changed = kit(&[&p]);
        changed.status = PracticeStatus::Published;
        store.update_kit("k1", 1, &changed, "ana").unwrap();
        let after_update = store.portal_generation().unwrap();
        assert!(after_update > after_kit);
        // Reads, a stale write and a refused one change nothing.
        store.kits(None).unwrap();
        store.update_kit("k1", 1, &kit(&[]), "ana").unwrap();
        store.create_kit(&kit(&["p9"]), "ana").unwrap_err();
        assert_eq!(store.portal_generation().unwrap(), after_update);
    }
}

on_each_engine! {
    fn kits_are_listed_by_status_newest_first(store: Store) {
        store.create_kit(&kit(&[]), "ana").unwrap();
        let mut published = kit(&[]);
        published.status = PracticeStatus::Published;
        store.create_kit(&published, "ana").unwrap();
        let ids = |s| -> Vec<String> { store.kits(s).unwrap().into_iter().map(|k| k.id).collect() };
        assert_eq!(ids(None), vec!["k2", "k1"]);
        assert_eq!(ids(Some(PracticeStatus::Published)), vec!["k2"]);
        assert_eq!(ids(Some(PracticeStatus::Withdrawn)), Vec::<String>::new());
    }
}

#[test]
fn a_text_falls_back_to_english_then_to_any_language() {
    let t = texts(&[("en", "Housing"), ("fr", "Logement"), ("es", " ")]);
    assert_eq!(text_in(&t, "fr"), Some(("Logement", "fr")));
    assert_eq!(text_in(&t, "es"), Some(("Housing", "en")));
    let only_fr = texts(&[("fr", "Logement")]);
    assert_eq!(text_in(&only_fr, "es"), Some(("Logement", "fr")));
    assert_eq!(text_in(&Texts::new(), "es"), None);
}

on_each_engine! {
    fn kits_made_at_once_get_their_own_ids_and_one_edit_wins_a_version(store: Store) {
        for n in 1..=9 {
            assert_eq!(store.create_kit(&kit(&[]), "ana").unwrap().id, format!("k{n}"));
        }
        let writers = 4;
        let (mut made, edits): (Vec<String>, Vec<KitEdit>) = at_once(&store, writers, |store, w| {
            let made = store.create_kit(&kit(&[]), "ana").unwrap();
            let mut changed = kit(&[]);
            changed.introduction = texts(&[("en", &format!("By {w}."))]);
            let edit = store.update_kit("k1", 1, &changed, "ben").unwrap();
            (made.id, edit)
        })
        .into_iter()
        .unzip();
        made.sort();
        assert_eq!(made, vec!["k10", "k11", "k12", "k13"]);
        let done = edits.iter().filter(|e| matches!(e, KitEdit::Done(_))).count();
        let stale = edits
            .iter()
            .filter(|e| matches!(e, KitEdit::Stale(k) if k.version == 2))
            .count();
        assert_eq!((done, stale), (1, writers - 1));
        assert_eq!(store.kit_history("k1").unwrap().len(), 2);
        // The same instant for all: the last made is listed first.
        store
            .exec("UPDATE kits SET updated_at = ?1", params!["2026-01-01T00:00:00+00:00"])
            .unwrap();
        let listed: Vec<String> = store.kits(None).unwrap().into_iter().map(|k| k.id).collect();
        assert_eq!(listed[..3], ["k13", "k12", "k11"]);
        assert_eq!(listed.len(), 13);
    }
}
