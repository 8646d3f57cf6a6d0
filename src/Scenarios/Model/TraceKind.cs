namespace NetSim.Scenarios.Model;

/// <summary>What a run records beyond flows.csv.</summary>
public enum TraceKind
{
    /// <summary>timeseries.csv and cwnd.png: cwnd, ssthresh, srtt, RTO and bytes in flight on every change.</summary>
    Cwnd,

    /// <summary>rtt.csv: every RTT sample with the SRTT and RTO it produced.</summary>
    Rtt,

    /// <summary>sockops.csv: every sock_ops invocation.</summary>
    SockOps,

    /// <summary>queue.csv: every change of every link queue's length; queue_events.csv: every drop and ECN mark, with its reason.</summary>
    Queue,

    /// <summary>throughput.csv and throughput.png: each flow's goodput over every trace interval.</summary>
    Throughput,
}
