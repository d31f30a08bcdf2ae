//! Reading lists into records and rejects, from bytes (issue 2). Pure: the caller reads the file.
