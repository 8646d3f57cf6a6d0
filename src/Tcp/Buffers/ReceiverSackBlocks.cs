using NetSim.Sim.Network;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// The SACK blocks a receiver reports (RFC 2018 §4), kept as Linux keeps rx_opt.selective_acks:
/// the block holding the most recent arrival first (tcp_sack_new_ofo_skb()), blocks merged when
/// they touch (tcp_sack_maybe_coalesce()), dropped once rcv_nxt covers them (tcp_sack_remove()),
/// plus one D-SACK block (RFC 2883) reported once, first (tcp_dsack_set(), tcp_dsack_extend()).
/// </summary>
public sealed class ReceiverSackBlocks
{
    private readonly (SequenceNumber Start, SequenceNumber End)[] _blocks = new (SequenceNumber, SequenceNumber)[SackBlockArray.MaxBlocks];
    private (SequenceNumber Start, SequenceNumber End) _duplicate;

    public int Count { get; private set; }

    public bool HasDuplicate { get; private set; }

    /// <summary>Out-of-order data [start, end) arrived.</summary>
    public void OnOutOfOrder(SequenceNumber start, SequenceNumber end)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Extend(ref _blocks[i], start, end))
            {
                for (; i > 0; i--)
                {
                    (_blocks[i], _blocks[i - 1]) = (_blocks[i - 1], _blocks[i]);
                }

                Coalesce();
                return;
            }
        }

        // No neighbour: a new block in front; with all four in use the oldest is forgotten.
        var kept = Math.Min(Count, _blocks.Length - 1);
        for (var i = kept; i > 0; i--)
        {
            _blocks[i] = _blocks[i - 1];
        }

        _blocks[0] = (start, end);
        Count = kept + 1;
    }

    /// <summary>rcv_nxt advanced: blocks it reached are gone; none remain once nothing is out of order.</summary>
    public void OnReceiveNextAdvanced(SequenceNumber rcvNxt, bool outOfOrderLeft)
    {
        if (!outOfOrderLeft)
        {
            Count = 0;
            return;
        }

        for (var i = 0; i < Count;)
        {
            if (_blocks[i].Start <= rcvNxt)
            {
                Array.Copy(_blocks, i + 1, _blocks, i, Count - i - 1);
                Count--;
                continue;
            }

            i++;
        }
    }

    /// <summary>Blocks an ACK would carry with room for all: the D-SACK block and the SACK blocks (rx_opt.num_sacks + rx_opt.dsack).</summary>
    public int Pending => Count + (HasDuplicate ? 1 : 0);

    /// <summary>Where the latest D-SACK block starts, reported or not (tp->duplicate_sack[0].start_seq).</summary>
    public SequenceNumber DuplicateStart => _duplicate.Start;

    /// <summary>Linux tcp_dsack_set(): [start, end) arrived again; report it in the next ACK.</summary>
    public void SetDuplicate(SequenceNumber start, SequenceNumber end)
    {
        _duplicate = (start, end);
        HasDuplicate = true;
    }

    /// <summary>Linux tcp_dsack_extend(): widens the pending D-SACK block, or starts one.</summary>
    public void ExtendDuplicate(SequenceNumber start, SequenceNumber end)
    {
        if (!HasDuplicate)
        {
            SetDuplicate(start, end);
        }
        else
        {
            Extend(ref _duplicate, start, end);
        }
    }

    /// <summary>
    /// Writes the D-SACK block then the SACK blocks, as many as fit beside the other options
    /// (Linux tcp_established_options()), and forgets the D-SACK block (tcp_options_write()).
    /// </summary>
    public void WriteTo(Packet packet, int maxBlocks)
    {
        if (HasDuplicate && maxBlocks > 0)
        {
            packet.AddSackBlock(new SackBlock(_duplicate.Start.Value, _duplicate.End.Value));
            HasDuplicate = false;
        }

        for (var i = 0; i < Count && packet.SackBlockCount < maxBlocks; i++)
        {
            packet.AddSackBlock(new SackBlock(_blocks[i].Start.Value, _blocks[i].End.Value));
        }
    }

    /// <summary>Linux tcp_sack_extend(): merges [start, end) into the block when they overlap or touch.</summary>
    private static bool Extend(ref (SequenceNumber Start, SequenceNumber End) block, SequenceNumber start, SequenceNumber end)
    {
        if (start > block.End || block.Start > end)
        {
            return false;
        }

        block = (SequenceNumber.Min(block.Start, start), SequenceNumber.Max(block.End, end));
        return true;
    }

    /// <summary>Linux tcp_sack_maybe_coalesce(): the first block swallows any later block it now touches.</summary>
    private void Coalesce()
    {
        for (var i = 1; i < Count;)
        {
            if (Extend(ref _blocks[0], _blocks[i].Start, _blocks[i].End))
            {
                Array.Copy(_blocks, i + 1, _blocks, i, Count - i - 1);
                Count--;
                continue;
            }

            i++;
        }
    }
}
