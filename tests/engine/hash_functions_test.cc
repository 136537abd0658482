// Tests for engine/exec/hash_algorithms.cc and engine/exec/hash_functions.cc.
//
// Every expected value below is ClickHouse's: computed by ClickHouse 26.9 through chDB 4.4.0
// (the SQL in each comment), not by tally.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/exec/hash_algorithms.h"
#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

// n bytes of the pattern (i * 37 + 11) % 256: every byte value, high bit set or not.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 37 + 11) % 256);
  return s;
}

struct Vector {
  size_t length;
  uint64_t city, sip, xx64, xxh3, murmur64, farm;
  uint32_t murmur32, xx32;
};

// SELECT n, cityHash64(s), sipHash64(s), xxHash64(s), xxh3(s), murmurHash3_64(s),
//        farmFingerprint64(s), murmurHash3_32(s), xxHash32(s)
// FROM (SELECT number AS n, arrayStringConcat(arrayMap(i -> char((i*37+11)%256), range(number))) AS s
//       FROM numbers(301))
// The lengths straddle every code-path boundary: CityHash and FarmHash at 16, 32 and 64
// bytes and 64-byte chunks after; XXH3 at 16, 128 and 240; SipHash at 8; Murmur at 4 and 16.
const Vector kVectors[] = {
    {0, 11160318154034397263ULL, 2202906307356721367ULL, 17241709254077376921ULL, 3244421341483603138ULL, 0ULL, 11160318154034397263ULL, 0ULL, 46947589ULL},
    {1, 303510190221940501ULL, 5046383805037131265ULL, 17695417848494312630ULL, 5350621376133947991ULL, 16819972972983023931ULL, 4787810249829893994ULL, 1299793004ULL, 1072013981ULL},
    {2, 12753161826399452731ULL, 5343189402243549077ULL, 8714938695552097945ULL, 6276380411984095675ULL, 5385784106681747115ULL, 12576505597060068467ULL, 1811814569ULL, 2025323278ULL},
    {3, 11728847429630781999ULL, 14315443652323737303ULL, 2504147801275715367ULL, 5787434222265441294ULL, 7360628104960349938ULL, 3979540680440595841ULL, 949716199ULL, 1075949352ULL},
    {4, 4708378649059713970ULL, 13581003091344835093ULL, 18095002551327804821ULL, 4569053481933687505ULL, 6694632712088305599ULL, 14708324829907283305ULL, 423224893ULL, 515436826ULL},
    {5, 8839750701265429494ULL, 887122911334584072ULL, 11322399976017425011ULL, 10059409249601725685ULL, 2134976933301873664ULL, 2571827612821036054ULL, 2759925676ULL, 129620861ULL},
    {7, 12287996552864093944ULL, 7479314864480959508ULL, 6202490575788621902ULL, 2438053470628116450ULL, 2580550181747257026ULL, 10810953559526984053ULL, 245387485ULL, 35811303ULL},
    {8, 9903751721664710024ULL, 13589681645388196642ULL, 6326197883652792858ULL, 10660337044374955633ULL, 2347331445496952694ULL, 9029840561075318013ULL, 988039666ULL, 2634197148ULL},
    {9, 2890921639430480670ULL, 18232606203016827577ULL, 14119295655707245414ULL, 410669025747389870ULL, 1183651301976090904ULL, 15774908524518198750ULL, 1497301005ULL, 3292309071ULL},
    {15, 2354973877863892744ULL, 16109888900811405876ULL, 10423987395300855081ULL, 13842630515147155285ULL, 6975165188010908755ULL, 9461816582243015007ULL, 1800930354ULL, 371820267ULL},
    {16, 3644237308911565095ULL, 9036888058902754715ULL, 14304625316204777844ULL, 3333606979071008306ULL, 5964675619675614988ULL, 15579719139305551062ULL, 3861322793ULL, 2527895462ULL},
    {17, 3476970734811894498ULL, 12190619036190314912ULL, 17811277352020683478ULL, 17729637540463134877ULL, 11231835265935276849ULL, 6692022265393568454ULL, 3348299041ULL, 1021292962ULL},
    {24, 3222669320925926656ULL, 8811173146829329446ULL, 18027162410730739294ULL, 15853745478032673987ULL, 7748134557313003551ULL, 12041956627441848363ULL, 1356410187ULL, 3150034370ULL},
    {31, 13395868808296449073ULL, 6240636323138898370ULL, 16474420504532985006ULL, 11740330906152142736ULL, 8836942448824312908ULL, 5954998855510709538ULL, 2782874203ULL, 3750051775ULL},
    {32, 16279076627493076571ULL, 17990162225874476007ULL, 14730019472659778349ULL, 7370251699274313670ULL, 10745998252197523300ULL, 11543571239247179175ULL, 1993167388ULL, 3665851100ULL},
    {33, 17217890402639628913ULL, 2897076004263433627ULL, 3885561414168193074ULL, 12293012106472150698ULL, 2123699242094956880ULL, 9480451918888261270ULL, 3747216045ULL, 1016057981ULL},
    {48, 2868899348539427024ULL, 1093576972558382494ULL, 17780952676621009174ULL, 4981812702741310175ULL, 4541918535727924353ULL, 7606463386070888915ULL, 633715428ULL, 2582514152ULL},
    {63, 9757743408596846568ULL, 9036936749709678011ULL, 13807767780731499146ULL, 4976203474630143860ULL, 6724007374572994169ULL, 9004466194475038334ULL, 328341421ULL, 12521669ULL},
    {64, 4681792248738844987ULL, 7440945481871125822ULL, 1539330455486250748ULL, 10264940500813530997ULL, 15209872644271139721ULL, 4226431515964725ULL, 153664524ULL, 70849478ULL},
    {65, 14977182774294807759ULL, 1810011928425471640ULL, 15735265118681157560ULL, 10248715245439863818ULL, 12520628289713092514ULL, 18101669290602532278ULL, 3927318340ULL, 958592853ULL},
    {96, 5640454065570760059ULL, 16373455409787029048ULL, 8973223767226952460ULL, 15963030467105891797ULL, 16522838848015450730ULL, 1172124310317751185ULL, 26542783ULL, 3000779255ULL},
    {127, 980805055637631296ULL, 12285204686765236565ULL, 17746599345526282857ULL, 10053546149922961259ULL, 3412372675742257080ULL, 15496381160035339524ULL, 3973764761ULL, 1990771432ULL},
    {128, 16761715201146584150ULL, 18184756847011235921ULL, 78371010642879656ULL, 6659336990027547961ULL, 17282678744801182773ULL, 3742283891066476345ULL, 313333630ULL, 947577033ULL},
    {129, 12504339426952453793ULL, 4554748765877548774ULL, 5111834849051530491ULL, 5042549241329645129ULL, 8411873504403060684ULL, 14054188206783653085ULL, 130765143ULL, 726911866ULL},
    {200, 15456948725750469758ULL, 12763537705492750559ULL, 3388760179784371764ULL, 4894513787938527707ULL, 18160064347160803655ULL, 5850749971184008558ULL, 3719350006ULL, 2419219327ULL},
    {239, 16105620424337448184ULL, 3743720231281449461ULL, 17926981056906077486ULL, 11666640579686457277ULL, 3766381830552135690ULL, 13247807581203638379ULL, 1679550792ULL, 2120483521ULL},
    {240, 4381104505053291958ULL, 12900575161294458219ULL, 7642440319321061891ULL, 13869226650535514414ULL, 9872940799029353853ULL, 3557578853652451772ULL, 2828917348ULL, 238362290ULL},
    {241, 4482944375466204116ULL, 15259078923503198240ULL, 17892111936346051408ULL, 9628072216995847292ULL, 14209922472544839371ULL, 4959576637910933095ULL, 3406391444ULL, 298497131ULL},
    {255, 1583222753267896558ULL, 394035803390567457ULL, 1697475150258215614ULL, 12062131124413090087ULL, 13268860726822831338ULL, 10269836278848910599ULL, 4240365565ULL, 3981097590ULL},
    {256, 10930517865338536006ULL, 2116491110564473252ULL, 4884486989971073231ULL, 2997356976477998354ULL, 3538009734592037973ULL, 1157472962730208475ULL, 3892245152ULL, 2149700108ULL},
    {257, 13775963682391913080ULL, 17195589613457895466ULL, 6849856022792611803ULL, 13302247509999408518ULL, 13250468346377933404ULL, 8234524552486444413ULL, 2602491849ULL, 207426289ULL},
    {300, 16153510311563180695ULL, 2631788703734703775ULL, 9881938315380827398ULL, 8996231580359694259ULL, 2661311208967710318ULL, 8075393831970212021ULL, 1338756217ULL, 2723073641ULL},
};

TEST(HashAlgorithmsTest, EveryAlgorithmMatchesClickHouseAcrossLengths) {
  for (const Vector& v : kVectors) {
    const std::string s = Pattern(v.length);
    SCOPED_TRACE(v.length);
    EXPECT_EQ(CityHash64(s), v.city);
    EXPECT_EQ(SipHash64(s), v.sip);
    EXPECT_EQ(XxHash64(s), v.xx64);
    EXPECT_EQ(Xxh3(s), v.xxh3);
    EXPECT_EQ(MurmurHash3_64(s), v.murmur64);
    EXPECT_EQ(FarmFingerprint64(s), v.farm);
    EXPECT_EQ(MurmurHash3_32(s), v.murmur32);
    EXPECT_EQ(XxHash32(s), v.xx32);
  }
}

TEST(HashAlgorithmsTest, UnalignedInputGivesTheSameHash) {
  const std::string s = Pattern(300);
  std::string shifted = " " + s;
  absl::string_view view(shifted.data() + 1, s.size());
  EXPECT_EQ(CityHash64(view), CityHash64(s));
  EXPECT_EQ(FarmFingerprint64(view), FarmFingerprint64(s));
  EXPECT_EQ(SipHash64(view), SipHash64(s));
  EXPECT_EQ(MurmurHash3_64(view), MurmurHash3_64(s));
  EXPECT_EQ(MurmurHash3_32(view), MurmurHash3_32(s));
}

TEST(HashAlgorithmsTest, IntHashesMatchClickHouse) {
  // SELECT intHash64(0), intHash64(1), intHash64(-1), intHash32(0), intHash32(-1), intHash32(255)
  EXPECT_EQ(IntHash64(0), 4761183170873013810ULL);
  EXPECT_EQ(IntHash64(1), 10577349846663553072ULL);
  EXPECT_EQ(IntHash64(~uint64_t{0}), 14600443904207254319ULL);
  EXPECT_EQ(IntHash32(0), 4249604106u);
  EXPECT_EQ(IntHash32(~uint64_t{0}), 3545659993u);
  EXPECT_EQ(IntHash32(255), 4243176437u);
}

std::vector<Value> Us(std::vector<uint64_t> v) {
  std::vector<Value> out;
  for (uint64_t x : v) out.push_back(U(x));
  return out;
}

TEST(HashFunctionsTest, IntegersHashTheirBytesButIntHash64InCityHash) {
  // SELECT cityHash64(toInt8(-1)), cityHash64(toUInt8(255)), cityHash64(toUInt64(255)),
  //        sipHash64(toInt8(-1)), sipHash64(toUInt8(255)), sipHash64(toUInt64(255)),
  //        farmFingerprint64(toInt16(-1)), xxHash32(toInt32(-1))
  TALLY_EXPECT_CALL(Call("cityHash64", {Const("Int8", I(-1))}), "UInt64", Us({8055013221972926055ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Const("UInt8", U(255))}), "UInt64", Us({8055013221972926055ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Const("UInt64", U(255))}), "UInt64", Us({8055013221972926055ULL}));
  TALLY_EXPECT_CALL(Call("sipHash64", {Vec("Int8", {I(-1)})}), "UInt64", Us({2368135510806073586ULL}));
  TALLY_EXPECT_CALL(Call("sipHash64", {Vec("UInt8", {U(255)})}), "UInt64", Us({2368135510806073586ULL}));
  TALLY_EXPECT_CALL(Call("sipHash64", {Vec("UInt64", {U(255)})}), "UInt64", Us({17827051359801552716ULL}));
  TALLY_EXPECT_CALL(Call("farmFingerprint64", {Vec("Int16", {I(-1)})}), "UInt64", Us({6547939410751295652ULL}));
  TALLY_EXPECT_CALL(Call("xxHash32", {Vec("Int32", {I(-1)})}), "UInt32", Us({67608159}));
}

TEST(HashFunctionsTest, FloatsDatesTimesAndUuids) {
  // SELECT cityHash64(toFloat32(1.5)), cityHash64(toFloat64(1.5)), xxh3(toFloat64(-0.)),
  //        murmurHash3_64(toFloat32(1.5)), cityHash64(toDate('2026-10-05')),
  //        sipHash64(toDateTime('2026-10-05 01:30:00', 'UTC')),
  //        cityHash64(toDateTime64('2026-10-05 01:30:00.123', 3, 'UTC')),
  //        xxHash64(toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')), cityHash64(true)
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Float32", {F(1.5)})}), "UInt64", Us({17641193269776743632ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Float64", {F(1.5)})}), "UInt64", Us({7287324520655339053ULL}));
  TALLY_EXPECT_CALL(Call("xxh3", {Vec("Float64", {F(-0.0)})}), "UInt64", Us({9407778237848358495ULL}));
  TALLY_EXPECT_CALL(Call("murmurHash3_64", {Vec("Float32", {F(1.5)})}), "UInt64", Us({7302835361447866306ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Date", {U(20731)})}), "UInt64", Us({15707929775911976795ULL}));
  TALLY_EXPECT_CALL(Call("sipHash64", {Vec("DateTime('UTC')", {U(1791163800)})}), "UInt64",
                    Us({15220532829777604498ULL}));
  // DateTime64 hashes its 8 bytes, even in cityHash64.
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("DateTime64(3, 'UTC')", {I(1791163800123)})}), "UInt64",
                    Us({310462100978953393ULL}));
  const std::string uuid("\x61\xf0\xc4\x04\x5c\xb3\x11\xe7\x90\x7b\xa6\x00\x6a\xd3\xdb\xa0", 16);
  TALLY_EXPECT_CALL(Call("xxHash64", {Vec("UUID", {S(uuid)})}), "UInt64", Us({3529889290943225394ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Bool", {U(1)})}), "UInt64", Us({10577349846663553072ULL}));
}

TEST(HashFunctionsTest, SeveralArgumentsCombineEachFunctionsOwnWay) {
  // SELECT cityHash64('a', 1), sipHash64('a', 'b'), xxHash64('a', 'b'), xxh3('a', 'b'),
  //        murmurHash3_64('a', 'b'), farmFingerprint64('a', 'b'), murmurHash3_32('a', 'b'),
  //        xxHash32('a', 'b')
  Arg a = Vec("String", {S("a")}), b = Const("String", S("b"));
  TALLY_EXPECT_CALL(Call("cityHash64", {a, Const("UInt8", U(1))}), "UInt64", Us({11051256024482834174ULL}));
  TALLY_EXPECT_CALL(Call("sipHash64", {a, b}), "UInt64", Us({1193743241355087095ULL}));
  TALLY_EXPECT_CALL(Call("xxHash64", {a, b}), "UInt64", Us({14756808377901732262ULL}));
  TALLY_EXPECT_CALL(Call("xxh3", {a, b}), "UInt64", Us({3189474376958980599ULL}));
  TALLY_EXPECT_CALL(Call("murmurHash3_64", {a, b}), "UInt64", Us({18305627054227103971ULL}));
  TALLY_EXPECT_CALL(Call("farmFingerprint64", {a, b}), "UInt64", Us({8696597424843165144ULL}));
  TALLY_EXPECT_CALL(Call("murmurHash3_32", {a, b}), "UInt32", Us({914284213}));
  TALLY_EXPECT_CALL(Call("xxHash32", {a, b}), "UInt32", Us({1353805580}));
}

TEST(HashFunctionsTest, ArraysAndMapsJoinTheChainOfArguments) {
  // SELECT cityHash64([1, 2]), cityHash64(2, 1, 2), sipHash64(['a', 'b']),
  //        cityHash64(map('a', 1)), cityHash64('a', 1), murmurHash3_32(map('x', 'y')),
  //        xxh3(CAST([] AS Array(String)))
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Array(UInt8)", {A({U(1), U(2)})})}), "UInt64",
                    Us({5171949009262398126ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Const("UInt8", U(2)), Const("UInt8", U(1)), Const("UInt8", U(2))}),
                    "UInt64", Us({5171949009262398126ULL}));
  TALLY_EXPECT_CALL(Call("sipHash64", {Vec("Array(String)", {A({S("a"), S("b")})})}), "UInt64",
                    Us({13621472697120943929ULL}));
  // A map is an array of (key, value) pairs, each pair flattened into the chain.
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Map(String, UInt8)", {M({S("a"), U(1)})})}), "UInt64",
                    Us({616936771394393035ULL}));
  TALLY_EXPECT_CALL(Call("murmurHash3_32", {Const("Map(String, String)", M({S("x"), S("y")}))}), "UInt32",
                    Us({1764559625}));
  TALLY_EXPECT_CALL(Call("xxh3", {Vec("Array(String)", {A({})})}), "UInt64", Us({4761183170873013810ULL}));
}

TEST(HashFunctionsTest, NullArgumentGivesNullButNullInsideAnArrayIsAValue) {
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Nullable(String)", {S("a"), N()}), Const("UInt8", U(1))}),
                    "Nullable(UInt64)", (std::vector<Value>{U(11051256024482834174ULL), N()}));
  // SELECT cityHash64([1, NULL]), cityHash64([NULL]), murmurHash3_32([NULL]),
  //        sipHash64(map('a', NULL)),
  //        cityHash64(CAST(['a', NULL] AS Array(LowCardinality(Nullable(String)))))
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Array(Nullable(UInt8))", {A({U(1), N()}), A({N()})})}), "UInt64",
                    Us({1206661434726526972ULL, 7883836132540916187ULL}));
  TALLY_EXPECT_CALL(Call("murmurHash3_32", {Vec("Array(Nullable(UInt8))", {A({N()})})}), "UInt32",
                    Us({2736297856}));
  TALLY_EXPECT_CALL(Call("sipHash64", {Vec("Map(String, Nullable(UInt8))", {M({S("a"), N()})})}), "UInt64",
                    Us({4695467757828570699ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("Array(LowCardinality(Nullable(String)))", {A({S("a"), N()})})}),
                    "UInt64", Us({6128237759367078163ULL}));
}

TEST(HashFunctionsTest, LowCardinalityHashesAsItsStrings) {
  // SELECT number, xxh3(CAST(toString(number % 2) AS LowCardinality(String))),
  //        cityHash64(toString(number), number) FROM numbers(3)
  Arg lc = Vec("LowCardinality(String)", {S("0"), S("1"), S("0")});
  TALLY_EXPECT_CALL(Call("xxh3", {lc}), "UInt64",
                    Us({1838281907459330133ULL, 7335560060985733464ULL, 1838281907459330133ULL}));
  TALLY_EXPECT_CALL(Call("cityHash64", {Vec("LowCardinality(String)", {S("0"), S("1"), S("2")}),
                                        Vec("UInt64", {U(0), U(1), U(2)})}),
                    "UInt64", Us({99448995080009557ULL, 15720927786179819351ULL, 9881068855983721298ULL}));
}

TEST(HashFunctionsTest, ConstantsAndColumnsAgree) {
  for (const char* name : {"cityHash64", "sipHash64", "xxHash64", "xxh3", "murmurHash3_64",
                           "farmFingerprint64", "murmurHash3_32", "xxHash32"}) {
    SCOPED_TRACE(name);
    Arg arr = Vec("Array(Nullable(String))", {A({S("x"), N()}), A({S("x"), N()})});
    Arg arr_const = Const("Array(Nullable(String))", A({S("x"), N()}));
    Arg num = Vec("Int64", {I(-5), I(7)});
    auto columns = Call(name, {arr, num, Vec("String", {S("s"), S("s")})});
    auto mixed = Call(name, {arr_const, num, Const("String", S("s"))});
    ASSERT_TRUE(columns.ok() && mixed.ok());
    EXPECT_EQ(columns->values, mixed->values);
    EXPECT_NE(columns->values[0], columns->values[1]);
  }
}

TEST(HashFunctionsTest, NoArgumentsGiveClickHousesConstant) {
  // SELECT cityHash64(), murmurHash3_32()
  TALLY_EXPECT_CALL(Call("cityHash64", {}, 2), "UInt64", Us({16324913028386710556ULL, 16324913028386710556ULL}));
  TALLY_EXPECT_CALL(Call("murmurHash3_32", {}, 1), "UInt32", Us({4263699484}));
}

TEST(IntHashFunctionTest, SignExtendsIntegersDatesAndTimes) {
  // SELECT intHash64(-1), intHash32(toInt8(-1)), intHash32(255), intHash64(toDate('2026-10-05'))
  TALLY_EXPECT_CALL(Call("intHash64", {Vec("Int8", {I(-1), I(0)})}), "UInt64",
                    Us({14600443904207254319ULL, 4761183170873013810ULL}));
  TALLY_EXPECT_CALL(Call("intHash32", {Vec("Int8", {I(-1)})}), "UInt32", Us({3545659993}));
  TALLY_EXPECT_CALL(Call("intHash32", {Const("UInt8", U(255))}), "UInt32", Us({4243176437}));
  TALLY_EXPECT_CALL(Call("intHash64", {Vec("Date", {U(20731)})}), "UInt64", Us({15707929775911976795ULL}));
  TALLY_EXPECT_CALL(Call("intHash64", {Vec("Nullable(UInt8)", {N(), U(1)})}), "Nullable(UInt64)",
                    (std::vector<Value>{N(), U(10577349846663553072ULL)}));
}

TEST(IntHashFunctionTest, RejectsFloatsStringsAndDateTime64) {
  EXPECT_STATUS(Call("intHash64", {Vec("Float64", {F(1.5)})}), absl::StatusCode::kInvalidArgument,
                "intHash64: argument 1 has type Float64");
  EXPECT_STATUS(Call("intHash32", {Vec("String", {S("a")})}), absl::StatusCode::kInvalidArgument,
                "intHash32: argument 1 has type String");
  EXPECT_STATUS(Call("intHash64", {Vec("DateTime64(3)", {I(1)})}), absl::StatusCode::kInvalidArgument,
                "intHash64: argument 1 has type DateTime64(3)");
  EXPECT_STATUS(Call("intHash64", {Vec("UInt8", {U(1)}), Vec("UInt8", {U(1)})}),
                absl::StatusCode::kInvalidArgument, "intHash64: expected 1 argument, got 2");
}

}  // namespace
}  // namespace tally::engine::exec
