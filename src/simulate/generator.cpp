#include "simulate/generator.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "common/strings.h"
#include "simulate/life/world.h"

namespace cxm::simulate {
namespace {

constexpr std::int64_t kCustomersPerChunk = 1000;

// One output file, written in large appends.
class OutputFile {
 public:
  static Result<OutputFile> Create(const std::string& path) {
    OutputFile file;
    file.path_ = path;
    file.stream_.open(path, std::ios::binary | std::ios::trunc);
    if (!file.stream_) return Status::Io(fmt::format("{}: cannot be written", path));
    return file;
  }
  Status Append(const std::string& bytes) {
    stream_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes_ += static_cast<std::int64_t>(bytes.size());
    if (!stream_) return Status::Io(fmt::format("{}: write failed (disk full?)", path_));
    return Status::Ok();
  }
  Status Close() {
    stream_.close();
    if (!stream_) return Status::Io(fmt::format("{}: write failed on close", path_));
    return Status::Ok();
  }
  std::int64_t bytes() const { return bytes_; }

 private:
  std::string path_;
  std::ofstream stream_;
  std::int64_t bytes_ = 0;
};

std::string Timestamp(std::int64_t epoch_seconds) {
  std::string text;
  AppendTimestamp(epoch_seconds, &text);
  return text;
}

double Ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0.0;
}

// A JSON object built key by key (numbers with fixed precision, so the file is byte-stable).
class JsonObject {
 public:
  JsonObject& Number(std::string_view key, double value, int decimals = 4) {
    return Raw(key, fmt::format("{:.{}f}", value, decimals));
  }
  JsonObject& Integer(std::string_view key, std::int64_t value) { return Raw(key, fmt::format("{}", value)); }
  JsonObject& String(std::string_view key, std::string_view value) {
    return Raw(key, fmt::format("\"{}\"", value));
  }
  JsonObject& Raw(std::string_view key, std::string_view json) {
    if (!body_.empty()) body_ += ", ";
    fmt::format_to(std::back_inserter(body_), "\"{}\": {}", key, json);
    return *this;
  }
  std::string Json() const {
    std::string json;
    json.reserve(body_.size() + 2);
    json.push_back('{');
    json.append(body_);
    json.push_back('}');
    return json;
  }

 private:
  std::string body_;
};

std::string StringArray(const std::vector<std::string_view>& values) {
  std::string json = "[";
  for (std::size_t idx = 0; idx < values.size(); ++idx) {
    if (idx > 0) json += ", ";
    fmt::format_to(std::back_inserter(json), "\"{}\"", values[idx]);
  }
  json.push_back(']');
  return json;
}

std::vector<std::string_view> RankedByWeight(const std::vector<std::pair<std::string_view, double>>& items) {
  std::vector<std::pair<std::string_view, double>> sorted = items;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& left, const auto& right) { return left.second > right.second; });
  std::vector<std::string_view> names;
  for (const auto& item : sorted) names.push_back(item.first);
  return names;
}

double CsatTop2Percent(const Realised& realised, int touchpoint) {
  return 100.0 * Ratio(static_cast<double>(realised.csat_top2[touchpoint]),
                       static_cast<double>(realised.csat_answers[touchpoint]));
}
double FailurePercent(const Realised& realised, int touchpoint) {
  return 100.0 * Ratio(static_cast<double>(realised.failures_by_touchpoint[touchpoint]),
                       static_cast<double>(realised.interactions_by_touchpoint[touchpoint]));
}

// What the company believes per touchpoint: rosier than what its customers report.
std::string SelfAssessmentRows(const GeneratorOptions& options, const Realised& realised) {
  std::string rows;
  const OutputTableSpec& spec = SpecOf(OutputTable::kSelfAssessment);
  for (int tp = 0; tp < kTouchpointCount; ++tp) {
    if (realised.csat_answers[tp] > 0) {
      const double believed = std::min(100.0, CsatTop2Percent(realised, tp) +
                                                  options.model.believed_csat_gap_points[tp]);
      RowWriter(options.format, spec, &rows).Text(kTouchpointNames[tp]).Text("csat_top2_pct")
          .Real(believed, 1).Time(options.model.window_end).End();
    }
    if (realised.failures_by_touchpoint[tp] > 0) {
      RowWriter(options.format, spec, &rows).Text(kTouchpointNames[tp]).Text("failure_rate_pct")
          .Real(0.6 * FailurePercent(realised, tp), 2).Time(options.model.window_end).End();
    }
  }
  return rows;
}

// The company's exchange rates, as its finance team books them: cxm converts amounts through
// these alone.
std::string CurrencyRateRows(const GeneratorOptions& options) {
  std::string rows;
  for (const life::Country& country : life::kCountries) {
    RowWriter(options.format, SpecOf(OutputTable::kCurrencyRates), &rows).Text(country.currency)
        .Real(country.sek_per_unit, 2).End();
  }
  return rows;
}

std::string TruthJson(const GeneratorOptions& options, const GenerationSummary& summary) {
  const CompanyModel& model = options.model;
  const Realised& realised = summary.realised;
  const auto per_touchpoint = [&](auto value_of) {
    JsonObject object;
    for (int tp = 0; tp < kTouchpointCount; ++tp) object.Number(kTouchpointNames[tp], value_of(tp));
    return object.Json();
  };

  JsonObject generator;
  generator.String("command", "cxm generate").Integer("format_version", 1)
      .Integer("seed", static_cast<std::int64_t>(options.seed)).Integer("customers", options.customers)
      .String("window_start", Timestamp(model.window_start)).String("window_end", Timestamp(model.window_end))
      .String("docs", "docs/demo-company.md");

  JsonObject languages;
  for (int idx = 0; idx < kLanguageCount; ++idx) languages.Number(kLanguageCodes[idx], model.language_shares[idx], 3);
  JsonObject company;
  company.String("name", "Norda").String("kind", "online shop for home and electronics (web, app, stores)")
      .Raw("countries", StringArray({"SE", "NO", "DK", "RO", "IE"}))
      .Raw("language_shares", languages.Json())
      .Raw("touchpoints", StringArray({kTouchpointNames.begin(), kTouchpointNames.end()}))
      .Raw("channels", StringArray({"web", "app", "store", "chat", "phone", "email"}))
      .Integer("agents", summary.agents);

  JsonObject memory;
  memory.Number("negativity_lambda", model.negativity_lambda, 3)
      .Number("memory_half_life_days", model.memory_half_life_days, 1)
      .String("peak", "the customer turn with the largest |valence|, negative ones weighted by lambda")
      .String("remembered", "clip((peak + end) / 2, -1, 1); one-moment interactions: their valence")
      .String("memory", "sum over interactions of impact[touchpoint] * (r < 0 ? lambda * r : r), halving every half-life")
      .String("attitude", fmt::format("tanh({} * memory + {} * mood)", model.attitude_per_memory, model.attitude_per_mood))
      .String("drives", "churn hazard, days between orders and NPS answers depend on attitude, i.e. on remembered (not average) experience");

  std::vector<std::pair<std::string_view, double>> impacts;
  for (int tp = 0; tp < kTouchpointCount; ++tp) impacts.emplace_back(kTouchpointNames[tp], model.touchpoint_impact[tp]);
  JsonObject moments;
  moments.Raw("impact", per_touchpoint([&](int tp) { return model.touchpoint_impact[tp]; }))
      .Raw("ranking", StringArray(RankedByWeight(impacts)))
      .String("top", RankedByWeight(impacts).front());

  JsonObject justice;
  justice.Number("process", model.process_weight, 3).Number("interaction", model.interaction_weight, 3)
      .Number("compensation", model.compensation_weight, 3);
  JsonObject groups;
  for (int group = 0; group < 3; ++group) {
    const double customers = static_cast<double>(realised.recovery_group_customers[group]);
    JsonObject entry;
    entry.Integer("customers", realised.recovery_group_customers[group])
        .Number("churn_rate_180d", Ratio(static_cast<double>(realised.recovery_group_churned[group]), customers))
        .Number("mean_attitude", Ratio(realised.recovery_group_attitude_sum[group], customers))
        .Integer("nps_responses", realised.recovery_group_nps_responses[group])
        .Number("nps", 100.0 * Ratio(static_cast<double>(realised.recovery_group_nps_net[group]),
                                     static_cast<double>(realised.recovery_group_nps_responses[group])), 2);
    groups.Raw(kRecoveryGroupNames[group], entry.Json());
  }
  JsonObject recovery;
  recovery.Raw("justice_weights", justice.Json())
      .Raw("dimension_ranking", StringArray(RankedByWeight({{"process", model.process_weight},
                                                            {"interaction", model.interaction_weight},
                                                            {"compensation", model.compensation_weight}})))
      .Number("good_recovery_threshold", model.good_recovery_threshold, 3)
      .Number("forgiveness", model.forgiveness, 3)
      .Number("recovery_paradox", model.recovery_paradox, 3)
      .String("quality", "process, interaction and compensation quality in [0, 1], weighted")
      .String("link", "support contacts about a failure follow it within days for the same customer; "
                      "truth_interactions.csv holds each contact's recovery quality")
      .String("groups_measure", "customers whose reference event (first failure; first order without a failure) "
                                "is 180+ days before the window end: churn within 180 days after it, NPS "
                                "answers in those 180 days, attitude at the end")
      .Raw("groups", groups.Json());

  JsonObject outcomes;
  outcomes.String("churn_hazard_per_day", fmt::format("{} * exp(-{} * attitude) * ({} - {} * inertia)",
                                                      model.churn_base_per_day, model.churn_attitude_slope,
                                                      model.churn_inertia_base, model.churn_inertia_slope))
      .String("days_between_orders", fmt::format("Exponential({} / (habit * exp({} * attitude)))",
                                                 model.mean_days_between_orders, model.repurchase_attitude_slope))
      .String("nps_answer", fmt::format("clip(round({} + {} * attitude + N(0, {})), 0, 10)",
                                        model.nps_intercept, model.nps_attitude_slope, model.nps_noise_sd))
      .String("csat_answer", fmt::format("clip(round({} + {} * remembered + N(0, {})), 1, 5), answered with "
                                         "probability {} + {} * |remembered|", model.csat_intercept,
                                         model.csat_per_remembered, model.csat_noise_sd, model.csat_response_base,
                                         model.csat_response_per_intensity))
      .String("enps_answer", fmt::format("clip(round({} + {} * engagement + N(0, {})), 0, 10)", model.enps_intercept,
                                         model.enps_per_engagement, model.enps_noise_sd));

  JsonObject quadrants;
  for (int quadrant = 0; quadrant < 4; ++quadrant) {
    JsonObject entry;
    entry.Integer("customers", realised.quadrant_customers[quadrant])
        .Number("revenue_sek", realised.quadrant_revenue_sek[quadrant], 0);
    quadrants.Raw(kQuadrantNames[quadrant], entry.Json());
  }
  JsonObject loyalty;
  loyalty.Number("attitudinal_cut", model.attitudinal_cut, 3).Number("behavioural_cut", model.behavioural_cut, 3)
      .String("attitudinal", "attitude at the end of the window (or at churn), in [-1, 1]")
      .String("behavioural", "habit * exp(slope * attitude): purchase rate relative to the typical customer; 0 once churned")
      .Raw("quadrants", quadrants.Json())
      .String("customers_file", std::filesystem::path(OutputPath(options, OutputTable::kTruthCustomers)).filename().string());

  JsonObject gap;
  for (int tp = 0; tp < kTouchpointCount; ++tp) {
    if (realised.csat_answers[tp] == 0) continue;
    JsonObject entry;
    entry.Integer("answers", realised.csat_answers[tp])
        .Number("csat_top2_pct_actual", CsatTop2Percent(realised, tp), 2)
        .Number("csat_top2_pct_believed", std::min(100.0, CsatTop2Percent(realised, tp) + model.believed_csat_gap_points[tp]), 2);
    gap.Raw(kTouchpointNames[tp], entry.Json());
  }

  JsonObject by_language;
  for (int idx = 0; idx < kLanguageCount; ++idx) by_language.Integer(kLanguageCodes[idx], realised.customers_by_language[idx]);
  JsonObject realised_json;
  realised_json.Integer("customers", realised.customers).Raw("customers_by_language", by_language.Json())
      .Integer("interactions", realised.interactions).Integer("messages", realised.messages)
      .Integer("customer_turns", realised.customer_turns).Integer("feedback", realised.feedback)
      .Integer("transactions", realised.transactions).Integer("orders", realised.orders)
      .Integer("reviews", realised.reviews)
      .Number("churn_rate", Ratio(static_cast<double>(realised.churned), static_cast<double>(realised.customers)))
      .Raw("failure_rate_by_touchpoint", per_touchpoint([&](int tp) { return FailurePercent(realised, tp) / 100.0; }))
      .Raw("mean_remembered_by_touchpoint", per_touchpoint([&](int tp) {
        return Ratio(realised.remembered_sum[tp], static_cast<double>(realised.interactions_by_touchpoint[tp]));
      }))
      .Number("csat_response_rate", Ratio(static_cast<double>(realised.csat_responses), static_cast<double>(realised.csat_invitations)))
      .Number("nps_response_rate", Ratio(static_cast<double>(realised.nps_responses), static_cast<double>(realised.nps_invitations)))
      .Number("nps", 100.0 * Ratio(static_cast<double>(realised.promoters - realised.detractors), static_cast<double>(realised.nps_responses)), 2)
      .Number("support_resolution_rate", Ratio(static_cast<double>(realised.support_resolved), static_cast<double>(realised.support_contacts)))
      .Number("revenue_sek", realised.revenue_sek, 0);

  JsonObject root;
  root.Raw("generator", generator.Json()).Raw("company", company.Json()).Raw("memory", memory.Json())
      .Raw("moments_of_truth", moments.Json()).Raw("recovery", recovery.Json())
      .Raw("outcomes", outcomes.Json()).Raw("loyalty", loyalty.Json()).Raw("delivery_gap", gap.Json())
      .Raw("realised", realised_json.Json());
  std::string json = root.Json();
  json.push_back('\n');
  return json;
}

}  // namespace

std::string OutputPath(const GeneratorOptions& options, OutputTable table) {
  return (std::filesystem::path(options.out_dir) /
          (std::string(SpecOf(table).file_stem) + std::string(FileExtension(options.format))))
      .string();
}

Result<std::array<double, kLanguageCount>> ParseLanguageShares(std::string_view text) {
  std::array<double, kLanguageCount> shares{};
  for (const std::string& part : Split(text, ',')) {
    const std::vector<std::string> pair = Split(Trim(part), '=');
    int language = -1;
    for (int idx = 0; idx < kLanguageCount; ++idx) {
      if (pair.size() == 2 && Trim(pair[0]) == kLanguageCodes[idx]) language = idx;
    }
    char* end = nullptr;
    const std::string value = pair.size() == 2 ? std::string(Trim(pair[1])) : std::string();
    const double share = value.empty() ? -1 : std::strtod(value.c_str(), &end);
    if (language < 0 || end == nullptr || *end != '\0' || !(share >= 0)) {
      return Status::InvalidArgument(fmt::format(
          "--languages: '{}' is not lang=share with lang one of sv, nb, da, ro, en", part));
    }
    shares[language] = share;
  }
  double total = 0;
  for (double share : shares) total += share;
  if (!(total > 0)) return Status::InvalidArgument("--languages: the shares add up to 0");
  for (double& share : shares) share /= total;
  return shares;
}

Result<GenerationSummary> GenerateCompany(const GeneratorOptions& options,
                                          const GenerationProgress& progress) {
  if (options.customers < 1 || options.customers > 9'999'999) {
    return Status::InvalidArgument(fmt::format("--customers {}: must be 1..9999999", options.customers));
  }
  double share_total = 0;
  for (double share : options.model.language_shares) {
    if (!(share >= 0)) return Status::InvalidArgument("language shares must be >= 0");
    share_total += share;
  }
  if (!(share_total > 0)) return Status::InvalidArgument("language shares add up to 0");
  if (options.out_dir.empty()) return Status::InvalidArgument("--out: name the folder to write");
  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  if (error) return Status::Io(fmt::format("{}: cannot create the folder: {}", options.out_dir, error.message()));

  const auto started = std::chrono::steady_clock::now();
  const int table_count = options.write_truth_detail ? kOutputTableCount : kOutputTableCount - 2;
  std::vector<OutputFile> files;
  GenerationSummary summary;
  for (int table = 0; table < table_count; ++table) {
    const std::string path = OutputPath(options, static_cast<OutputTable>(table));
    CXM_ASSIGN_OR_RETURN(OutputFile file, OutputFile::Create(path));
    CXM_TRY(file.Append(HeaderLine(options.format, SpecOf(static_cast<OutputTable>(table)))));
    files.push_back(std::move(file));
    summary.files.push_back(path);
  }
  const auto file_of = [&](OutputTable table) -> OutputFile& { return files[static_cast<int>(table)]; };

  const Staff staff = BuildStaff(options);
  summary.agents = static_cast<std::int64_t>(staff.agents.size());
  {
    std::string employees;
    std::string employee_feedback;
    WriteStaffRows(options, staff, &employees, &employee_feedback);
    CXM_TRY(file_of(OutputTable::kEmployees).Append(employees));
    CXM_TRY(file_of(OutputTable::kEmployeeFeedback).Append(employee_feedback));
  }

  // Workers simulate chunks; this thread writes them in order. At most `window` chunks are
  // simulated ahead of the writer, which bounds memory.
  const std::int64_t chunk_count = (options.customers + kCustomersPerChunk - 1) / kCustomersPerChunk;
  const int threads = std::max(1, options.threads > 0 ? options.threads
                                                       : static_cast<int>(std::thread::hardware_concurrency()));
  const std::int64_t window = 2 * threads;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::int64_t, ChunkResult> done;
  std::int64_t next_chunk = 0;
  std::int64_t written_chunks = 0;
  bool is_cancelled = false;

  const auto work = [&] {
    CustomerSimulator simulator(options, staff);
    while (true) {
      std::int64_t chunk = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return is_cancelled || next_chunk >= chunk_count ||
                                        next_chunk < written_chunks + window; });
        if (is_cancelled || next_chunk >= chunk_count) return;
        chunk = next_chunk++;
      }
      ChunkResult result;
      const std::int64_t first = chunk * kCustomersPerChunk;
      const std::int64_t last = std::min(options.customers, first + kCustomersPerChunk);
      for (std::int64_t customer = first; customer < last; ++customer) simulator.Simulate(customer, &result);
      {
        std::lock_guard lock(mutex);
        done.emplace(chunk, std::move(result));
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (int idx = 0; idx < threads; ++idx) workers.emplace_back(work);

  Status write_status;
  for (std::int64_t chunk = 0; chunk < chunk_count && write_status.ok(); ++chunk) {
    ChunkResult result;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done.contains(chunk); });
      result = std::move(done.at(chunk));
      done.erase(chunk);
    }
    for (int table = 0; table < table_count && write_status.ok(); ++table) {
      if (table == static_cast<int>(OutputTable::kEmployees) ||
          table == static_cast<int>(OutputTable::kEmployeeFeedback) ||
          table == static_cast<int>(OutputTable::kSelfAssessment) ||
          table == static_cast<int>(OutputTable::kCurrencyRates)) {
        continue;
      }
      write_status = files[table].Append(result.tables[table]);
    }
    summary.realised.Add(result.realised);
    {
      std::lock_guard lock(mutex);
      written_chunks = chunk + 1;
      if (!write_status.ok()) is_cancelled = true;
    }
    changed.notify_all();
    if (progress) progress(std::min(options.customers, (chunk + 1) * kCustomersPerChunk), options.customers);
  }
  {
    std::lock_guard lock(mutex);
    is_cancelled = true;
  }
  changed.notify_all();
  for (std::thread& worker : workers) worker.join();
  CXM_TRY(write_status);

  CXM_TRY(file_of(OutputTable::kSelfAssessment).Append(SelfAssessmentRows(options, summary.realised)));
  CXM_TRY(file_of(OutputTable::kCurrencyRates).Append(CurrencyRateRows(options)));
  for (OutputFile& file : files) {
    CXM_TRY(file.Close());
    summary.bytes_written += file.bytes();
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const std::string truth_path = (std::filesystem::path(options.out_dir) / "truth.json").string();
  CXM_ASSIGN_OR_RETURN(OutputFile truth, OutputFile::Create(truth_path));
  CXM_TRY(truth.Append(TruthJson(options, summary)));
  CXM_TRY(truth.Close());
  summary.files.push_back(truth_path);
  summary.bytes_written += truth.bytes();
  return summary;
}

}  // namespace cxm::simulate
