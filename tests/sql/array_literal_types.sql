-- An array literal's type is the supertype of its items' types, as ClickHouse types it.
SELECT toTypeName([-1, 0]), toTypeName([1, 300]), toTypeName([-1, 300]), toTypeName([1, -1, 1.5]), toTypeName([-1, 4294967295]), toTypeName([1, NULL, -2]), toTypeName([-129, 1]), toTypeName([-1, 9223372036854775807]);
SELECT toTypeName([1, 2]), toTypeName([-1, -2]), toTypeName(['a', NULL]), toTypeName([1.5, 2]), toTypeName([255, 256]), toTypeName([-128, 127]), toTypeName([-128, 128]);
SELECT [-1, 0], [[1], [-1, 2]], toTypeName([[1], [-1, 2]]), [1, NULL, -2], has([-1, 0], 0), [1.5, -2], [-1, 9223372036854775807];
SELECT has([-1, 300], number), indexOf([-5, 2, 400], number) FROM numbers(3);
SELECT [-1, 18446744073709551615]; -- error: there is no supertype
