/// The comparison over seeds that chapter 05's conclusions use: better or worse only where every seed of one model beats every seed of the other.
module NeuroDyn.Tests.SeedSpreadTests

open System
open Expecto
open NeuroDyn.Evaluation

/// The rule written out pair by pair, independently of `SeedSpread.Compare`: better when each of my finite values beats each of the other's.
let private pairwise (mine: float[]) (other: float[]) (higherIsBetter: bool) =
    let a, b = Array.filter Double.IsFinite mine, Array.filter Double.IsFinite other
    let beats x y = if higherIsBetter then x > y else x < y
    if a.Length = 0 || b.Length = 0 || (a.Length = 1 && b.Length = 1) then SpreadComparison.NotComparable
    elif Array.forall (fun x -> Array.forall (beats x) b) a then SpreadComparison.Better
    elif Array.forall (fun y -> Array.forall (beats y) a) b then SpreadComparison.Worse
    else SpreadComparison.WithinSpread

[<Tests>]
let tests =
    testList "seed spread" [
        test "median by numpy's rule, range and counts over the finite values; NaN runs count as runs" {
            let s = SeedSpread.Of [ 3.0; 1.0; nan; 2.0 ]
            Expect.equal (s.Median, s.Min, s.Max, s.Count, s.Runs) (2.0, 1.0, 3.0, 3, 4) "odd count: the middle value"
            // numpy.median([1, 2, 3, 4]) = 2.5
            Expect.equal (SeedSpread.Of [ 4.0; 1.0; 3.0; 2.0 ]).Median 2.5 "even count: the mean of the two middle values"
            let none = SeedSpread.Of [ nan; infinity ]
            Expect.isTrue (Double.IsNaN none.Median && none.Count = 0 && none.Runs = 2) "no finite value: NaN, 0 counted, 2 runs"
        }

        test "a large difference of medians is no difference when the ranges overlap; disjoint ranges decide by direction" {
            // medians 2.0 and 1.05, nearly a factor of two apart, but one seed of the first (0.9) is below the second's best (1.1)
            let wide, narrow = SeedSpread.Of [ 2.0; 2.1; 0.9 ], SeedSpread.Of [ 1.0; 1.05; 1.1 ]
            Expect.equal (SeedSpread.Compare(wide, narrow, true)) SpreadComparison.WithinSpread "overlap: within the spread"
            let high, low = SeedSpread.Of [ 1.2; 1.3; 1.25 ], SeedSpread.Of [ 1.0; 1.05; 1.1 ]
            Expect.equal (SeedSpread.Compare(high, low, true)) SpreadComparison.Better "higher is better (VPT): disjoint and above"
            Expect.equal (SeedSpread.Compare(low, high, true)) SpreadComparison.Worse "and the other way round"
            Expect.equal (SeedSpread.Compare(high, low, false)) SpreadComparison.Worse "lower is better (MSE): above is worse"
            Expect.equal (SeedSpread.Compare(SeedSpread.Of [ 1.1; 1.2 ], low, true)) SpreadComparison.WithinSpread "touching ranges are not disjoint"
        }

        test "a single run is a point against the other's range; two single runs have no spread to compare against" {
            let seeds = SeedSpread.Of [ 1.0; 1.05; 1.1 ]
            Expect.equal (SeedSpread.Compare(SeedSpread.Of [ 1.5 ], seeds, true)) SpreadComparison.Better "above the range"
            Expect.equal (SeedSpread.Compare(SeedSpread.Of [ 1.02 ], seeds, true)) SpreadComparison.WithinSpread "inside the range"
            Expect.equal (SeedSpread.Compare(SeedSpread.Of [ 2.0 ], SeedSpread.Of [ 1.0 ], true)) SpreadComparison.NotComparable "one run each"
            Expect.equal (SeedSpread.Compare(SeedSpread.Of [ nan; nan ], seeds, true)) SpreadComparison.NotComparable "no finite value"
        }

        test "the verdict equals every-seed-beats-every-seed, pair by pair, on random sets with ties and NaN" {
            let random = Random 18
            // few distinct values, so that ties and touching ranges are common
            let draw () = Array.init (random.Next(1, 6)) (fun _ -> if random.Next 10 = 0 then nan else float (random.Next 8) / 4.0)
            for case in 1 .. 2000 do
                let mine, other, higher = draw (), draw (), random.Next 2 = 0
                let verdict = SeedSpread.Compare(SeedSpread.Of mine, SeedSpread.Of other, higher)
                Expect.equal verdict (pairwise mine other higher) (sprintf "case %d: %A against %A, higher better %b" case mine other higher)
        }
    ]
