/// Seeded sequence models against values recorded from an earlier version of their code: the same seed must keep giving the
/// same weights, the same one-step predictions and the same closed-loop rollouts when the models' code is reorganised.
module NeuroDyn.Tests.SeededModelTests

open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Models
open NeuroDyn.Models.Reservoir
open NeuroDyn.Tests.RateModelChecks

/// A seeded model and what it gave when recorded: Σ|w| of each tensor in state_dict order, and on `windows 2 WindowLength`
/// the prediction [2, 3] and a rollout of 3 steps [2, 3, 3], row-major.
type private Recorded =
    { Name: string
      Make: unit -> ISequenceModel
      WindowLength: int
      ParameterSums: (string * float) list
      Prediction: float[]
      Rollout: float[] }

/// Recorded (round-trip precision) from the models as they were before CtRnn and EiRateNetwork shared the RateNetwork base and
/// every model the one closed-loop rollout. The LIF networks get 30 samples of 4 steps, enough for their neurons to spike.
let private recorded =
    [
      { Name = "CT-RNN, state readout"
        Make = fun () -> new CtRnn(CtRnnOptions(Hidden = 8, Tau = 0.7), 3L) :> ISequenceModel
        WindowLength = 6
        ParameterSums = [ "w_rec", 10.309687222124213; "w_in", 8.77476526715711; "b", 1.7133503860109491; "w_out", 3.8278768749422802; "b_out", 0.21704889486192624 ]
        Prediction = [| 0.30578464248519266; 0.06663915476012772; 0.014929476449038675
                        0.30804215440691307; 0.06593557423885861; 0.011924313665532808 |]
        Rollout = [| 0.30578464248519266; 0.06663915476012772; 0.014929476449038675
                     0.31669448097957476; 0.06866933810404152; 0.01643804488994126
                     0.3259580161157749; 0.0685485713603862; 0.01908083846744266
                     0.30804215440691307; 0.06593557423885861; 0.011924313665532808
                     0.31807588692138533; 0.0664436736432353; 0.01465100803846434
                     0.3267377903493953; 0.0653807235994283; 0.018255012385711422 |] }
      { Name = "CT-RNN, increment readout"
        Make = fun () -> new CtRnn(CtRnnOptions(Hidden = 8, Tau = 0.4, Readout = ReadoutTarget.Increment, IncrementScale = 0.3), 4L) :> ISequenceModel
        WindowLength = 6
        ParameterSums = [ "w_rec", 10.882176452824627; "w_in", 7.332986759635677; "b", 2.716510571681078; "w_out", 4.43833495069679; "b_out", 0.39873976153681245 ]
        Prediction = [| -0.996578461242327; -0.6085210043661755; 0.0732808414188477
                        -0.5134119822442667; -0.046240481693768175; 0.6200817182688735 |]
        Rollout = [| -0.996578461242327; -0.6085210043661755; 0.0732808414188477
                     -0.9699728226834642; -0.7046117969510489; 0.14869247196663787
                     -0.9272950061991294; -0.8166390397471834; 0.23495930842407284
                     -0.5134119822442667; -0.046240481693768175; 0.6200817182688735
                     -0.486251275399055; -0.11687246601906474; 0.6831030653835839
                     -0.44499596741604147; -0.1903272700283134; 0.7509750830666346 |] }
      { Name = "E/I network, state readout"
        Make = fun () -> new EiRateNetwork(EiRateNetworkOptions(Hidden = 10, Input = EiInput.All), 6L) :> ISequenceModel
        WindowLength = 6
        ParameterSums = [ "w_rec_magnitude", 78.86741160113795; "w_in", 7.840765605976646; "b", 5.3202116561152115; "w_out", 4.6145773271704; "b_out", 0.35008374613113724 ]
        Prediction = [| -0.15291690204173908; -0.3216028454956777; -0.03792630621073384
                        -0.17423307726860854; -0.3531560016948225; -0.03405085370326846 |]
        Rollout = [| -0.15291690204173908; -0.3216028454956777; -0.03792630621073384
                     -0.16566674620213218; -0.3394247307953859; -0.05792391509939515
                     -0.18085584620067546; -0.35835588056081147; -0.08245100143114145
                     -0.17423307726860854; -0.3531560016948225; -0.03405085370326846
                     -0.18552192392536457; -0.3694311239076029; -0.05880590456552523
                     -0.19843832984876378; -0.38610886444363346; -0.08608732226564975 |] }
      { Name = "E/I network, increment readout from all units, softplus"
        Make = fun () -> new EiRateNetwork(EiRateNetworkOptions(Hidden = 10, Readout = ReadoutTarget.Increment, IncrementScale = 0.5, ReadoutFromExcitatory = false, Activation = RateActivation.Softplus, Input = EiInput.All), 7L) :> ISequenceModel
        WindowLength = 6
        ParameterSums = [ "w_rec_magnitude", 38.481884849754984; "w_in", 9.315443485593393; "b", 4.903739295585249; "w_out", 4.316415078211264; "b_out", 0.6636659914978015 ]
        Prediction = [| -0.9233992931070174; -0.5212755409834278; -0.044932728396742574
                        -0.4405933727235981; 0.03411764911525376; 0.5164832241364349 |]
        Rollout = [| -0.9233992931070174; -0.5212755409834278; -0.044932728396742574
                     -0.8483811384493782; -0.49899619364885206; -0.10646279808724407
                     -0.7764124950679301; -0.4697686373414155; -0.1752032499675049
                     -0.4405933727235981; 0.03411764911525376; 0.5164832241364349
                     -0.35821363732110384; 0.058493551628100666; 0.48117483842407777
                     -0.27429566692418267; 0.09044428259574877; 0.4533799885023102 |] }
      { Name = "surrogate-gradient LIF network, increment readout"
        Make = fun () -> new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 16, StepsPerSample = 4), 11L) :> ISequenceModel
        WindowLength = 30
        ParameterSums = [ "w_in", 21.87347884110984; "w_rec", 25.574070272361563; "b", 16.49777153617368; "w_out", 0.5806457719486727; "b_out", 0.0 ]
        Prediction = [| 1.0482467138233331; 1.3651006170633322; 1.4973870005879348
                        0.697067691657031; 0.16910712811002301; -0.38118447169386294 |]
        Rollout = [| 1.0482467138233331; 1.3651006170633322; 1.4973870005879348
                     1.0479444585626614; 1.364747824021615; 1.497205549929299
                     1.0476709666930073; 1.3644286036766469; 1.4970413665838382
                     0.697067691657031; 0.16910712811002301; -0.38118447169386294
                     0.6967220939417699; 0.16885381785602258; -0.38116811499384295
                     0.6964093841974138; 0.16862461325983077; -0.3811533148396293 |] }
      { Name = "surrogate-gradient LIF network, state readout"
        Make = fun () -> new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 16, StepsPerSample = 4, Readout = ReadoutTarget.State), 12L) :> ISequenceModel
        WindowLength = 30
        ParameterSums = [ "w_in", 19.79929480553399; "w_rec", 25.336558064912886; "b", 16.35045980659888; "w_out", 0.6050289570428884; "b_out", 0.0 ]
        Prediction = [| -0.00036069897704540797; -0.00017087041795732735; 2.0526117164816626E-05
                        -0.00023268774378133988; -0.0005573755231591919; -0.0003942499198183227 |]
        Rollout = [| -0.00036069897704540797; -0.00017087041795732735; 2.0526117164816626E-05
                     -0.0003263739310779786; -0.00015460994780323325; 1.8572798857716236E-05
                     7.914784124397921E-05; 0.0001739057799957084; 0.0005269140958541305
                     -0.00023268774378133988; -0.0005573755231591919; -0.0003942499198183227
                     -0.00021054457729172046; -0.0005043342292518052; -0.00035673207950929505
                     0.0001934341553512448; -0.00013459388405111743; 0.00020023766277977242 |] }
    ]

/// The same operations in the same order reproduce the recorded values bit for bit (checked when they were recorded); the
/// tolerance only leaves room for last-bit differences (~1e-16 each) of vectorised tanh/exp and matrix-product kernels on other
/// CPUs, accumulated over a window. Another initialisation draw, equation or readout moves these values by 1e-6 or more.
let private accuracy = { absolute = 1e-14; relative = 1e-14 }

let private values (t: torch.Tensor) = t.contiguous().data<double>().ToArray()

[<Tests>]
let tests =
    testList "seeded models" [
        for case in recorded ->
            test $"{case.Name}: the same seed gives the recorded weights, prediction and rollout" {
                TorchRuntime.Initialize() |> ignore
                let sequenceModel = case.Make()
                use model = sequenceModel.Module
                use _ = torch.no_grad()
                let sums = [ for KeyValue(name, tensor) in model.state_dict() -> name, tensor.abs().sum().item<double>() ]
                Expect.sequenceEqual (List.map fst sums) (List.map fst case.ParameterSums) "tensor names in state_dict order"
                for (name, sum), (_, expected) in List.zip sums case.ParameterSums do Expect.floatClose accuracy sum expected $"Σ|{name}|"
                let w = windows 2 case.WindowLength
                let check (actual: float[]) (expected: float[]) what =
                    Expect.equal actual.Length expected.Length $"{what}: number of values"
                    Array.iteri2 (fun i a e -> Expect.floatClose accuracy a e $"{what}[{i}]") actual expected
                check (values (sequenceModel.PredictNext w)) case.Prediction "prediction"
                check (values (sequenceModel.Rollout(w, 3))) case.Rollout "rollout"
            }
    ]
