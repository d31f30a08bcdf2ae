//! Print the linkage level of name pairs: `name_levels PART A B [A B ...]` (PART: surname,
//! given or patronymic).
use tally_linkage::names::{compare, prepare, NamePart};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let part = match args[0].as_str() {
        "surname" => NamePart::Surname,
        "given" => NamePart::Given,
        _ => NamePart::Patronymic,
    };
    for p in args[1..].chunks(2) {
        let (l, why) = compare(part, &prepare(part, &p[0]), &prepare(part, &p[1]));
        let (x, y) = (tally_names::prepare(&p[0]), tally_names::prepare(&p[1]));
        println!("{} | {} -> {:?}: {}  [{} {} / {} {}]", p[0], p[1], l, why, x.norm, x.canonical, y.norm, y.canonical);
    }
}
