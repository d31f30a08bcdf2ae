//! Stable person ids across runs: which cluster keeps which earlier id, and the merge/split
//! events, on a small case worked by hand.

use tally_domain::PersonId;
use tally_linkage::cluster::assign_ids_by;
use tally_linkage::IdEvent;

/// Clusters {0,1,2}, {3}, {4,5}; earlier ids 0,1,3 -> 10, 2 -> 11, 4 -> 12, 5 none.
/// Cluster 0 holds two records of 10 and one of 11: it keeps 10 (most shared), and 11 merges
/// into it. Cluster 1 also held a record of 10, which is taken: it gets the next fresh id, and
/// 10 counts as split between clusters 0 and 1. Cluster 2 keeps 12.
#[test]
fn ids_follow_the_most_shared_earlier_id() {
    let clusters = vec![vec![0, 1, 2], vec![3], vec![4, 5]];
    let earlier = [Some(10), Some(10), Some(11), Some(10), Some(12), None];
    let prev = |r: u32| earlier[r as usize].map(PersonId);
    let (ids, next, events) = assign_ids_by(&clusters, Some(&prev), 100);
    assert_eq!(ids, vec![PersonId(10), PersonId(100), PersonId(12)]);
    assert_eq!(next, 101);
    assert_eq!(
        events,
        vec![
            IdEvent::Merge { into: PersonId(10), from: vec![PersonId(10), PersonId(11)] },
            IdEvent::Split { from: PersonId(10), into: vec![PersonId(10), PersonId(100)] },
        ]
    );
}

/// Without earlier ids every cluster gets a fresh one, in cluster order, and nothing is logged.
#[test]
fn fresh_ids_in_cluster_order() {
    let clusters = vec![vec![2], vec![0, 1]];
    let (ids, next, events) = assign_ids_by(&clusters, None, 7);
    assert_eq!(ids, vec![PersonId(7), PersonId(8)]);
    assert_eq!(next, 9);
    assert!(events.is_empty());
}
