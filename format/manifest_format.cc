#include "format/manifest_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "format/part_format.h"
#include "format/status_macros.h"

namespace tally::format {

std::string ManifestHeader(uint16_t version) {
  std::string out;
  PutFixed32(&out, static_cast<uint32_t>(FileKind::kManifest));
  PutFixed16(&out, version);
  PutFixed16(&out, 0);
  return out;
}

uint16_t MinManifestVersion(const ManifestEdit& edit) {
  uint16_t version = 1;
  for (const ManifestOp& op : edit.ops) {
    if (op.kind == ManifestOp::Kind::kCreateTable || op.kind == ManifestOp::Kind::kAlterTable) {
      version = std::max(version, MinSchemaVersion(op.schema));
    }
  }
  return version;
}

namespace {

// Runs as varint run count, then per run varint gap (its first row less the end of the
// run before; 0 before the first) and varint length less one.
void EncodeRowRuns(std::string* out, const RowRuns& runs) {
  PutVarint64(out, runs.size());
  uint64_t end = 0;
  for (const RowRun& r : runs) {
    PutVarint64(out, r.begin - end);
    PutVarint64(out, r.end - r.begin - 1);
    end = r.end;
  }
}

absl::StatusOr<RowRuns> DecodeRowRuns(ByteReader* in) {
  TALLY_ASSIGN_OR_RETURN(uint64_t nruns, in->ReadVarint64("superseded run count"));
  if (nruns > in->remaining()) return in->Corrupt("superseded run count", "too large");
  RowRuns runs;
  uint64_t end = 0;
  for (uint64_t i = 0; i < nruns; ++i) {
    TALLY_ASSIGN_OR_RETURN(uint64_t gap, in->ReadVarint64("superseded run gap"));
    TALLY_ASSIGN_OR_RETURN(uint64_t len, in->ReadVarint64("superseded run length"));
    // Rows are u32 (a part holds fewer than 2^32), and a gap of 0 after a run would join
    // it: the writer never splits a run.
    if ((i > 0 && gap == 0) || gap > UINT32_MAX || len >= UINT32_MAX || end + gap + len + 1 > UINT32_MAX) {
      return in->Corrupt("superseded run", "out of range");
    }
    runs.push_back(RowRun{end + gap, end + gap + len + 1});
    end = runs.back().end;
  }
  return runs;
}

}  // namespace

absl::Status EncodeManifestRecord(std::string* out, const ManifestEdit& edit, uint16_t version) {
  if (version == 0 || version > kManifestVersion) {
    return absl::InvalidArgumentError(absl::StrCat("no manifest version ", version));
  }
  std::string p;
  PutVarint64(&p, edit.ops.size());
  for (const ManifestOp& op : edit.ops) {
    PutFixed8(&p, static_cast<uint8_t>(op.kind));
    PutLengthPrefixed(&p, op.table);
    switch (op.kind) {
      case ManifestOp::Kind::kCreateTable:
        if (absl::Status s = EncodeTableSchema(&p, op.schema, version); !s.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("create table '", op.table, "': ", s.message()));
        }
        PutLengthPrefixed(&p, op.directory);
        break;
      case ManifestOp::Kind::kAlterTable:
        if (absl::Status s = EncodeTableSchema(&p, op.schema, version); !s.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("alter table '", op.table, "': ", s.message()));
        }
        break;
      case ManifestOp::Kind::kDropTable:
      case ManifestOp::Kind::kCreateDatabase:
      case ManifestOp::Kind::kDropDatabase:
        break;
      case ManifestOp::Kind::kAddPart:
        PutLengthPrefixed(&p, op.part);
        PutVarint64(&p, op.rows);
        break;
      case ManifestOp::Kind::kRemovePart:
        PutLengthPrefixed(&p, op.part);
        break;
      case ManifestOp::Kind::kAddInlinePart:
        if (op.files.empty()) {
          return absl::InvalidArgumentError(absl::StrCat("table '", op.table, "': inline part ", op.part,
                                                         " has no files"));
        }
        PutLengthPrefixed(&p, op.part);
        PutVarint64(&p, op.rows);
        PutVarint64(&p, op.files.size());
        for (const auto& [name, bytes] : op.files) {
          PutLengthPrefixed(&p, name);
          PutLengthPrefixed(&p, bytes);
        }
        break;
      case ManifestOp::Kind::kNextBlock:
        PutVarint64(&p, op.next_block);
        break;
      case ManifestOp::Kind::kSupersede:
        if (!RowRunsValid(op.superseded) || (!op.superseded.empty() && op.superseded.back().end > UINT32_MAX)) {
          return absl::InvalidArgumentError(absl::StrCat("table '", op.table, "': part ", op.part,
                                                         ": superseded rows are not ascending disjoint runs of u32 rows"));
        }
        PutLengthPrefixed(&p, op.part);
        EncodeRowRuns(&p, op.superseded);
        break;
      case ManifestOp::Kind::kCreateView:
        if (absl::Status s = EncodeViewDef(&p, op.view); !s.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("create view '", op.table, "': ", s.message()));
        }
        break;
      case ManifestOp::Kind::kDropView:
      case ManifestOp::Kind::kForgetInsertTokens:
      case ManifestOp::Kind::kBackfillDone:
        break;
      case ManifestOp::Kind::kInsertToken:
        if (op.token.size() != kInsertTokenBytes) {
          return absl::InvalidArgumentError(absl::StrCat("table '", op.table, "': an insert token of ",
                                                         op.token.size(), " bytes (", kInsertTokenBytes, " expected)"));
        }
        p.append(op.token);
        PutVarint64(&p, op.time_us);
        break;
    }
  }
  PutFixed32(out, static_cast<uint32_t>(p.size()));
  PutFixed64(out, Checksum(p));
  out->append(p);
  return absl::OkStatus();
}

namespace {

absl::StatusOr<ManifestEdit> DecodeEdit(absl::Span<const uint8_t> payload, absl::string_view what,
                                        uint64_t offset, uint16_t version) {
  ByteReader in(payload, std::string(what), offset);
  ManifestEdit edit;
  TALLY_ASSIGN_OR_RETURN(uint64_t nops, in.ReadVarint64("op count"));
  if (nops > payload.size()) return in.Corrupt("op count", "too large");
  for (uint64_t i = 0; i < nops; ++i) {
    ManifestOp op;
    TALLY_ASSIGN_OR_RETURN(uint8_t kind, in.ReadFixed8("op kind"));
    op.kind = static_cast<ManifestOp::Kind>(kind);
    TALLY_ASSIGN_OR_RETURN(op.table, in.ReadLengthPrefixed("table"));
    switch (op.kind) {
      case ManifestOp::Kind::kCreateTable: {
        TALLY_ASSIGN_OR_RETURN(op.schema, DecodeTableSchema(&in, version, op.table));
        TALLY_ASSIGN_OR_RETURN(op.directory, in.ReadLengthPrefixed("table directory"));
        break;
      }
      case ManifestOp::Kind::kAlterTable: {
        TALLY_ASSIGN_OR_RETURN(op.schema, DecodeTableSchema(&in, version, op.table));
        break;
      }
      case ManifestOp::Kind::kDropTable:
      case ManifestOp::Kind::kCreateDatabase:
      case ManifestOp::Kind::kDropDatabase:
        break;
      case ManifestOp::Kind::kAddPart: {
        TALLY_ASSIGN_OR_RETURN(op.part, in.ReadLengthPrefixed("part"));
        TALLY_ASSIGN_OR_RETURN(op.rows, in.ReadVarint64("rows"));
        break;
      }
      case ManifestOp::Kind::kRemovePart: {
        TALLY_ASSIGN_OR_RETURN(op.part, in.ReadLengthPrefixed("part"));
        break;
      }
      case ManifestOp::Kind::kAddInlinePart: {
        TALLY_ASSIGN_OR_RETURN(op.part, in.ReadLengthPrefixed("part"));
        TALLY_ASSIGN_OR_RETURN(op.rows, in.ReadVarint64("rows"));
        TALLY_ASSIGN_OR_RETURN(uint64_t nfiles, in.ReadVarint64("inline part file count"));
        // Each file takes at least two bytes (two empty length prefixes).
        if (nfiles == 0 || nfiles > in.remaining() / 2) return in.Corrupt("inline part file count", "out of range");
        for (uint64_t f = 0; f < nfiles; ++f) {
          TALLY_ASSIGN_OR_RETURN(std::string name, in.ReadLengthPrefixed("inline part file name"));
          TALLY_ASSIGN_OR_RETURN(std::string bytes, in.ReadLengthPrefixed("inline part file"));
          op.files.emplace_back(std::move(name), std::move(bytes));
        }
        break;
      }
      case ManifestOp::Kind::kNextBlock: {
        TALLY_ASSIGN_OR_RETURN(op.next_block, in.ReadVarint64("next block"));
        break;
      }
      case ManifestOp::Kind::kSupersede: {
        TALLY_ASSIGN_OR_RETURN(op.part, in.ReadLengthPrefixed("part"));
        TALLY_ASSIGN_OR_RETURN(op.superseded, DecodeRowRuns(&in));
        break;
      }
      case ManifestOp::Kind::kCreateView: {
        TALLY_ASSIGN_OR_RETURN(op.view, DecodeViewDef(&in, op.table));
        break;
      }
      case ManifestOp::Kind::kDropView:
      case ManifestOp::Kind::kForgetInsertTokens:
      case ManifestOp::Kind::kBackfillDone:
        break;
      case ManifestOp::Kind::kInsertToken: {
        TALLY_ASSIGN_OR_RETURN(absl::Span<const uint8_t> token, in.ReadBytes(kInsertTokenBytes, "insert token"));
        op.token = std::string(AsStringView(token));
        TALLY_ASSIGN_OR_RETURN(op.time_us, in.ReadVarint64("insert token time"));
        break;
      }
      default:
        return absl::UnimplementedError(absl::StrCat(what, ": offset ", offset, ": unknown manifest op ", kind,
                                                     " (written by a newer tally?)"));
    }
    edit.ops.push_back(std::move(op));
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("manifest record"));
  return edit;
}

// The first offset in (pos, end of file) where a record with a matching checksum starts,
// or 0. A torn tail is a prefix of a single record, so none can start inside it (barring
// a 64-bit checksum collision).
uint64_t NextWholeRecord(absl::Span<const uint8_t> file, uint64_t pos) {
  for (uint64_t q = pos + 1; q + kManifestRecordOverhead <= file.size(); ++q) {
    uint32_t size = LoadFixed32(file.data() + q);
    if (size > file.size() - q - kManifestRecordOverhead) continue;
    if (Checksum(file.subspan(q + kManifestRecordOverhead, size)) == LoadFixed64(file.data() + q + 4)) return q;
  }
  return 0;
}

bool AllZero(absl::Span<const uint8_t> bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

// What is wrong with the record at `pos`, or OK with *torn set when it is a torn tail, or
// OK with *torn clear when the record is whole and valid (then *end is its end).
absl::Status CheckRecord(absl::Span<const uint8_t> file, uint64_t pos, absl::string_view what, bool* torn,
                         uint64_t* end) {
  *torn = false;
  const uint64_t left = file.size() - pos;
  // Some file systems leave a crashed append as zero-filled blocks. No record is all
  // zeros (its checksum would have to be 0 for an empty payload, and XXH3 of nothing is
  // not), so such a tail is torn.
  if (AllZero(file.subspan(pos))) {
    *torn = true;
    return absl::OkStatus();
  }
  if (left < kManifestRecordOverhead) {
    *torn = true;
    return absl::OkStatus();
  }
  const uint32_t size = LoadFixed32(file.data() + pos);
  const uint64_t sum = LoadFixed64(file.data() + pos + 4);
  if (size > left - kManifestRecordOverhead) {
    // Cut short: the crash hit before this record's sync. Unless whole records follow, or
    // the rest of the file checksums as this record's payload: then the size field was
    // damaged in place, and the edit (and those after it) may have been acknowledged.
    if (NextWholeRecord(file, pos) != 0) {
      return absl::DataLossError(absl::StrCat(what, ": offset ", pos, ": manifest record size ", size,
                                              " runs past the end of the file, yet whole records follow it"));
    }
    if (Checksum(file.subspan(pos + kManifestRecordOverhead)) == sum) {
      return absl::DataLossError(absl::StrCat(what, ": offset ", pos, ": manifest record size ", size,
                                              " is damaged (the payload after it is whole)"));
    }
    *torn = true;
    return absl::OkStatus();
  }
  *end = pos + kManifestRecordOverhead + size;
  if (Checksum(file.subspan(pos + kManifestRecordOverhead, size)) != sum) {
    return absl::DataLossError(absl::StrCat(what, ": offset ", pos, ": manifest record checksum mismatch (",
                                            size, "-byte record, ", file.size() - *end, " bytes after it)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ManifestContents> DecodeManifest(absl::Span<const uint8_t> file, absl::string_view what,
                                                ManifestReadMode mode) {
  ByteReader header(file, std::string(what));
  TALLY_ASSIGN_OR_RETURN(uint32_t magic, header.ReadFixed32("magic"));
  if (magic != static_cast<uint32_t>(FileKind::kManifest)) return header.Corrupt("magic", "not a manifest");
  TALLY_ASSIGN_OR_RETURN(uint16_t version, header.ReadFixed16("version"));
  if (version == 0) return header.Corrupt("version", "version 0 does not exist");
  if (version > kManifestVersion) {
    return absl::UnimplementedError(absl::StrCat(what, ": manifest version ", version,
                                                 " is newer than this build's ", kManifestVersion));
  }
  TALLY_ASSIGN_OR_RETURN(uint16_t reserved, header.ReadFixed16("reserved"));
  if (reserved != 0) return header.Corrupt("reserved", "not zero");

  ManifestContents out;
  out.version = version;
  uint64_t pos = kManifestHeaderBytes;
  while (pos < file.size()) {
    bool torn = false;
    uint64_t end = 0;
    absl::Status bad = CheckRecord(file, pos, what, &torn, &end);
    if (bad.ok() && torn) {
      out.torn_tail = true;
      break;
    }
    if (bad.ok()) {
      auto edit = DecodeEdit(file.subspan(pos + kManifestRecordOverhead, end - pos - kManifestRecordOverhead),
                             what, pos + kManifestRecordOverhead, version);
      if (edit.ok()) {
        out.edits.push_back(std::move(*edit));
        out.edit_offsets.push_back(pos);
        pos = end;
        out.valid_bytes = pos;
        continue;
      }
      bad = edit.status();
    }
    if (mode == ManifestReadMode::kStrict || absl::IsUnimplemented(bad)) return bad;
    // Salvage: skip to the next whole record, or give up on the rest of the file.
    const uint64_t next = NextWholeRecord(file, pos);
    const uint64_t skip_to = next == 0 ? file.size() : next;
    out.damage.push_back(absl::StrCat(bad.message(), " (", skip_to - pos, " bytes skipped)"));
    pos = skip_to;
  }
  if (out.valid_bytes < kManifestHeaderBytes) out.valid_bytes = kManifestHeaderBytes;
  return out;
}

}  // namespace tally::format
