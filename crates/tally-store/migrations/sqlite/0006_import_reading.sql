-- How an import was read beyond format, encoding, delimiter and sheet: the choices a user made
-- that change what the cells mean ("dates month first", "names given first"). NULL: the
-- defaults. Kept with the import so that its records can be explained and read again alike.
ALTER TABLE imports ADD COLUMN reading TEXT;
