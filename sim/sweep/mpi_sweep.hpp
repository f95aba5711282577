#pragma once
// Distributed sweeps with MPI (OpenMPI; compiled in with -DINNOSIM_MPI=ON):
//
//   mpirun -n K build/innosim sweep SWEEP.yaml -o DIR
//
// Rank 0 checks the folder (as a single process would), then hands out design points one at a
// time to ranks 1..K-1 as they ask for work (dynamic balancing: a slow point does not hold up a
// whole block), shows the one progress line and writes DIR/sweep.h5 at the end. Every rank logs
// to DIR/logs/rank-<r>.log. A point's file depends only on the point, so the folder is the same
// whatever K. With K = 1 the sweep runs as without MPI.
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/sweep/sweep_runner.hpp"

namespace sim {

// True when this binary was built with MPI support.
bool built_with_mpi();

// The number of processes mpirun (or srun) started this one among, from the launcher's
// environment; 0 when not started by a launcher.
int launcher_world_size();

// True when built with MPI and this process was started by mpirun (so MPI must be initialised).
bool launched_by_mpirun();

// Runs the sweep across the MPI ranks. Every rank calls it; rank 0's summary describes the
// sweep, the others' are empty (is_root false). Input and output errors found by rank 0 before the
// start are thrown on every rank, with the message on rank 0 only.
struct MpiSweepResult {
  SweepSummary summary;
  bool is_root = true;
};
MpiSweepResult run_sweep_mpi(const SweepPlan& plan, const SweepOptions& options,
                             const std::vector<ModelDefinition>& models);

}  // namespace sim
