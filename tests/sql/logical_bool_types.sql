-- and/or/xor are Bool when an argument is a (non-Nullable) Bool, UInt8 otherwise;
-- Nullable when an argument is; not keeps its argument's type.
CREATE TABLE lb (b Bool, nb Nullable(Bool), u UInt8, nu Nullable(UInt8)) ENGINE = MergeTree ORDER BY tuple();
INSERT INTO lb VALUES (true, NULL, 1, 0), (false, true, 0, NULL), (true, false, 2, 1);
SELECT toTypeName(b AND u), toTypeName(nb AND u), toTypeName(u AND nb), toTypeName(nb AND nb), toTypeName(b AND nu), toTypeName(NOT nb), toTypeName(b OR NULL), toTypeName(xor(nb, b)) FROM lb LIMIT 1;
SELECT b AND u, nb AND u, nb OR u, b OR nu, NOT nb, xor(nb, u) FROM lb;
