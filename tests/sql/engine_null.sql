-- Null: inserts succeed and store nothing.
CREATE TABLE sink (k UInt32, v String) ENGINE = Null;
INSERT INTO sink VALUES (1, 'a'), (2, 'b');
INSERT INTO sink SELECT number, toString(number) FROM numbers(1000);
SELECT count() FROM sink;
SELECT * FROM sink;
SELECT count() FROM system.parts WHERE table = 'sink';
SHOW CREATE TABLE sink;
INSERT INTO sink VALUES ('x', 'y'); -- error: Cannot parse
