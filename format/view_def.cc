#include "format/view_def.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"
#include "format/tagged_fields.h"

namespace tally::format {

absl::Status EncodeViewDef(std::string* out, const ViewDef& view) {
  if (view.source.empty() || view.target.empty() || view.select.empty()) {
    return absl::InvalidArgumentError("a view needs a source table, a target table and a SELECT");
  }
  std::string r;
  PutField(&r, view_tag::kSource, view.source);
  PutField(&r, view_tag::kTarget, view.target);
  PutField(&r, view_tag::kSelect, view.select);
  if (view.inner_target) PutVarintField(&r, view_tag::kInnerTarget, 1);
  if (view.backfill_below_block != 0) PutVarintField(&r, view_tag::kBackfillBelowBlock, view.backfill_below_block);
  for (const UnknownField& f : view.unknown_fields) PutField(&r, f.tag, f.bytes);
  PutLengthPrefixed(out, r);
  return absl::OkStatus();
}

absl::StatusOr<ViewDef> DecodeViewDef(ByteReader* in, const std::string& name) {
  const std::string ctx = absl::StrCat("view '", name, "'");
  TALLY_ASSIGN_OR_RETURN(uint64_t length, in->ReadVarint64("view length"));
  const uint64_t offset = in->offset();
  TALLY_ASSIGN_OR_RETURN(absl::Span<const uint8_t> bytes, in->ReadBytes(length, "view"));
  ByteReader record(bytes, in->what(), offset);
  TALLY_ASSIGN_OR_RETURN(std::vector<Field> fields, ReadFields(&record, ctx));
  ViewDef view;
  bool seen[5] = {false, false, false, false, false};
  for (const Field& f : fields) {
    auto once = [&](int i) -> absl::Status {
      if (seen[i]) {
        return absl::DataLossError(absl::StrCat(in->what(), ": offset ", f.offset, ": ", ctx, ": field ", f.tag,
                                                " appears twice"));
      }
      seen[i] = true;
      return absl::OkStatus();
    };
    switch (f.tag) {
      case view_tag::kSource:
        TALLY_RETURN_IF_ERROR(once(0));
        view.source = std::string(f.text());
        break;
      case view_tag::kTarget:
        TALLY_RETURN_IF_ERROR(once(1));
        view.target = std::string(f.text());
        break;
      case view_tag::kSelect:
        TALLY_RETURN_IF_ERROR(once(2));
        view.select = std::string(f.text());
        break;
      case view_tag::kInnerTarget: {
        TALLY_RETURN_IF_ERROR(once(3));
        TALLY_ASSIGN_OR_RETURN(uint64_t v, FieldVarint(f, in->what(), absl::StrCat(ctx, ": field 8 (inner target)")));
        if (v > 1) {
          return absl::DataLossError(absl::StrCat(in->what(), ": offset ", f.offset, ": ", ctx,
                                                  ": inner-target flag ", v, " is not 0 or 1"));
        }
        view.inner_target = v == 1;
        break;
      }
      case view_tag::kBackfillBelowBlock: {
        TALLY_RETURN_IF_ERROR(once(4));
        TALLY_ASSIGN_OR_RETURN(view.backfill_below_block,
                               FieldVarint(f, in->what(), absl::StrCat(ctx, ": field 10 (backfill below block)")));
        if (view.backfill_below_block == 0) {
          return absl::DataLossError(absl::StrCat(in->what(), ": offset ", f.offset, ": ", ctx,
                                                  ": a pending backfill below block 0"));
        }
        break;
      }
      default:
        if (!IsIgnorableTag(f.tag)) {
          return absl::UnimplementedError(absl::StrCat(in->what(), ": offset ", f.offset, ": ", ctx, ": field ", f.tag,
                                                       " is unknown to this build and must be understood (written by "
                                                       "a newer tally?)"));
        }
        view.unknown_fields.push_back(UnknownField{f.tag, std::string(f.text())});
    }
  }
  if (view.source.empty() || view.target.empty() || view.select.empty()) {
    return absl::DataLossError(absl::StrCat(in->what(), ": offset ", offset, ": ", ctx,
                                            ": a source table, a target table and a SELECT are required"));
  }
  return view;
}

}  // namespace tally::format
