-- JSON extraction from String values.
SELECT JSONExtractString('{"a":"hello","b":1}', 'a'), JSONExtractString('{"a":"hello"}', 'missing'), JSONExtractString('{"a":1}', 'a'), JSONExtractString('not json', 'a');
SELECT JSONExtractString('{"a":"es\\"c\\u00e9\\n"}', 'a'), JSONExtractString('{"a":{"b":"deep"}}', 'a', 'b'), JSONExtractString('{"a":["x","y"]}', 'a', 2), JSONExtractString('{"a":["x","y"]}', 'a', -1);
SELECT JSONExtractInt('{"n":42}', 'n'), JSONExtractInt('{"n":-7}', 'n'), JSONExtractInt('{"n":"12"}', 'n'), JSONExtractInt('{"n":3.9}', 'n'), JSONExtractInt('{}', 'n'), JSONExtractInt('{"n":true}', 'n');
SELECT JSONExtractUInt('{"n":42}', 'n'), JSONExtractFloat('{"x":1.5}', 'x'), JSONExtractFloat('{"x":2}', 'x'), JSONExtractFloat('{"x":"3.25"}', 'x'), JSONExtractFloat('{"x":1e21}', 'x'), JSONExtractBool('{"b":true}', 'b');
SELECT toTypeName(JSONExtractInt('{}', 'n')), toTypeName(JSONExtractFloat('{}', 'x')), toTypeName(JSONExtractString('{}', 'x')), toTypeName(JSONExtractUInt('{}', 'x'));
SELECT JSONExtractInt('{"a":{"b":[10,20,30]}}', 'a', 'b', 2), JSONExtractInt('{"a":[1,2]}', 'a', 0), JSONExtractInt('[5,6]', 1), JSONExtractString('{"a":"1","a":"2"}', 'a');
SELECT JSON_VALUE('{"a":"hello"}', '$.a'), JSON_VALUE('{"a":{"b":5}}', '$.a.b'), JSON_VALUE('{"a":[1,2,3]}', '$.a[1]'), JSON_VALUE('{"a":{"b":1}}', '$.a'), JSON_VALUE('{"a":"x"}', '$.missing'), JSON_VALUE('{"a":true}', '$.a');
SELECT JSON_VALUE('{"a":1.5}', '$.a'), JSON_VALUE('{"a":null}', '$.a'), JSON_VALUE('{"a b":"sp"}', '$."a b"'), JSON_VALUE('bad', '$.a'), toTypeName(JSON_VALUE('{}', '$.a'));
SELECT JSONHas('{"a":1}', 'a'), JSONHas('{"a":1}', 'b'), JSONLength('[1,2,3]'), JSONLength('{"a":1,"b":2}'), JSONExtractRaw('{"a":[1, 2]}', 'a'), isValidJSON('{"a":1}'), isValidJSON('{a:1}');
SELECT n, JSONExtractString(j, 'user'), JSONExtractInt(j, 'tokens'), JSONExtractFloat(j, 'cost') FROM (SELECT number AS n, concat('{"user":"u', toString(number), '","tokens":', toString(number * 100), ',"cost":', toString(number / 4), '}') AS j FROM numbers(3));
SELECT JSONExtractRaw('{"a":[1.50, -0, 1e2, 0.1, 1E-7, -0.0, 12345678901234567890]}', 'a'), JSON_QUERY('{"a":[1.50, 2e1]}', '$.a'), JSONExtractString('{"a":[1.50]}', 'a'), JSONExtractKeys('{"a":1,"b":{"c":2}}'), JSONExtractArrayRaw('{"a":[true, 2.50, "x"]}', 'a');
