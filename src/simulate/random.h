// Rng: the simulator's pseudo-random source. xoshiro256** (Blackman & Vigna, 2018) seeded by
// SplitMix64, so that a (seed, stream) pair gives the same numbers on every machine and compiler;
// std::normal_distribution and friends are implementation-defined and would not.
//
// Not thread-safe: each customer (or agent) gets its own Rng from SeedFor(seed, stream, index).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace cxm::simulate {

__extension__ using Uint128 = unsigned __int128;  // GCC/Clang; __extension__ for -Wpedantic

inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The seed of an independent stream: e.g. stream 1 = customers, 2 = agents; index = which one.
inline std::uint64_t SeedFor(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t state = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  SplitMix64(state);
  state ^= index * 0x8cb92ba72f3d8dd7ULL;
  return SplitMix64(state);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& word : state_) word = SplitMix64(seed);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }
  // An integer in [low, high].
  int UniformInt(int low, int high) {
    return low + static_cast<int>(Pick(static_cast<std::size_t>(high - low + 1)));
  }
  // An index in [0, count): Lemire's multiply-shift (its bias is below 2^-32 for our counts).
  std::size_t Pick(std::size_t count) {
    return static_cast<std::size_t>((static_cast<Uint128>(Next()) * count) >> 64);
  }
  bool Bernoulli(double probability) { return Uniform() < probability; }
  // Box-Muller; one of the pair is discarded so that the stream never depends on call history.
  double Normal(double mean, double sd) {
    const double u1 = 1.0 - Uniform();  // (0, 1]: log(0) never happens
    const double u2 = Uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }
  double LogNormal(double mu, double sigma) { return std::exp(Normal(mu, sigma)); }
  // An index drawn with probability proportional to its weight. REQUIRES: some weight > 0.
  std::size_t PickWeighted(std::span<const double> weights) {
    double total = 0;
    for (double weight : weights) total += weight;
    double target = Uniform() * total;
    for (std::size_t idx = 0; idx < weights.size(); ++idx) {
      if (target < weights[idx]) return idx;
      target -= weights[idx];
    }
    return weights.size() - 1;
  }

 private:
  static std::uint64_t Rotl(std::uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }
  std::uint64_t state_[4];
};

}  // namespace cxm::simulate
