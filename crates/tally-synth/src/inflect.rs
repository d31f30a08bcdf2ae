//! Ukrainian genitive forms of names, as obituaries print them ("пам'яті Шевченка Олександра
//! Сергійовича", "Андрєєва Олексія" is a man in the genitive). Covers the common patterns of
//! the tables this crate draws from; names outside them are left in the nominative, which is
//! what a careless scraper would do anyway.

/// Which part of a name a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Surname,
    Given,
    Patronymic,
}

fn cut(s: &str, n: usize) -> String {
    let k = s.chars().count();
    s.chars().take(k.saturating_sub(n)).collect()
}

fn is_consonant(c: char) -> bool {
    "бвгґджзклмнпрстфхцчшщ".contains(c)
}

/// The Ukrainian genitive of one name word.
pub fn genitive_uk(word: &str, part: Part, female: bool) -> String {
    let ends = |e: &str| word.ends_with(e);
    let last = word.chars().last().unwrap_or(' ');
    if female {
        return match part {
            Part::Patronymic if ends("івна") || ends("ївна") => cut(word, 1) + "и",
            Part::Surname
                if ends("ська")
                    || ends("цька")
                    || ends("зька")
                    || ends("ова")
                    || ends("єва")
                    || ends("ева")
                    || ends("іна")
                    || ends("ина") =>
            {
                cut(word, 1) + "ої"
            }
            Part::Surname if ends("а") => cut(word, 1) + "и",
            Part::Surname => word.to_string(),
            Part::Given if ends("ія") => cut(word, 1) + "ї",
            Part::Given if ends("'я") || ends("’я") => cut(word, 1) + "ї",
            Part::Given if ends("я") => cut(word, 1) + "і",
            Part::Given if ends("а") => cut(word, 1) + "и",
            Part::Given if ends("ов") => word.to_string() + "і",
            _ => word.to_string(),
        };
    }
    match part {
        Part::Patronymic if ends("ич") || ends("іч") => word.to_string() + "а",
        Part::Patronymic => word.to_string(),
        Part::Given => match word {
            "Ігор" => "Ігоря".into(),
            "Федір" => "Федора".into(),
            "Яків" => "Якова".into(),
            "Лев" => "Лева".into(),
            _ if ends("ій") => cut(word, 1) + "я",
            _ if ends("ь") => cut(word, 1) + "я",
            _ if ends("о") => cut(word, 1) + "а",
            _ if ends("ля") => cut(word, 1) + "і",
            _ if ends("а") => cut(word, 1) + "и",
            _ if is_consonant(last) => word.to_string() + "а",
            _ => word.to_string(),
        },
        Part::Surname => {
            if ends("ський") || ends("цький") || ends("зький") || ends("ий") {
                cut(word, 2) + "ого"
            } else if ends("ій") {
                cut(word, 2) + "ього"
            } else if ends("ець") {
                cut(word, 3) + "ця"
            } else if ends("ь") {
                cut(word, 1) + "я"
            } else if ends("ко") {
                cut(word, 1) + "а"
            } else if ends("их") {
                word.to_string()
            } else if ends("а") {
                cut(word, 1) + "и"
            } else if is_consonant(last) {
                word.to_string() + "а"
            } else {
                word.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(words: [&str; 3], female: bool, want: &str) {
        let got = [
            genitive_uk(words[0], Part::Surname, female),
            genitive_uk(words[1], Part::Given, female),
            genitive_uk(words[2], Part::Patronymic, female),
        ]
        .join(" ");
        assert_eq!(got, want);
    }

    #[test]
    fn men() {
        // The example: "Андрєєва Олексія" is a man in the genitive.
        check(["Андрєєв", "Олексій", "Олександрович"], false, "Андрєєва Олексія Олександровича");
        check(["Шевченко", "Олександр", "Сергійович"], false, "Шевченка Олександра Сергійовича");
        check(["Ковалевський", "Дмитро", "Ілліч"], false, "Ковалевського Дмитра Ілліча");
        check(["Кравець", "Василь", "Петрович"], false, "Кравця Василя Петровича");
        check(["Коваль", "Микола", "Іванович"], false, "Коваля Миколи Івановича");
        check(["Крайній", "Ігор", "Федорович"], false, "Крайнього Ігоря Федоровича");
        check(["Чорних", "Ілля", "Павлович"], false, "Чорних Іллі Павловича");
    }

    #[test]
    fn women() {
        check(["Ковальчук", "Юлія", "Миколаївна"], true, "Ковальчук Юлії Миколаївни");
        check(["Ковалевська", "Олена", "Сергіївна"], true, "Ковалевської Олени Сергіївни");
        check(["Андрєєва", "Дар'я", "Петрівна"], true, "Андрєєвої Дар'ї Петрівни");
        check(["Шевченко", "Любов", "Іванівна"], true, "Шевченко Любові Іванівни");
    }
}
