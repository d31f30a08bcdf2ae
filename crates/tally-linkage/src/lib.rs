//! Probabilistic record linkage (issue 4). Pure: takes records, returns scored links and clusters.
