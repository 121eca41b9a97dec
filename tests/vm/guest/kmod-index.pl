#!/usr/bin/perl
# Read and edit kmod's binary index files (modules.dep.bin,
# modules.alias.bin, modules.symbols.bin) in place.
#
# Used by hide_module in tests/vm/lib.sh: a full `depmod -a` inside a TCG guest
# takes minutes, so instead the hidden module's entries are removed from the
# indexes directly and libkmod/modprobe no longer know the module exists.
#
# usage:
#   kmod-index.pl dump FILE                 print "key<TAB>priority<TAB>value" lines
#   kmod-index.pl copy FILE OUT             parse and rewrite unchanged (self-test:
#                                           OUT must be byte-identical to FILE)
#   kmod-index.pl hide DIR MODNAME...       make modules unknown to libkmod: drop
#                                           them from modules.dep(.bin), and their
#                                           aliases and symbols from
#                                           modules.alias(.bin), modules.symbols(.bin)
#                                           in the modules directory DIR
#   kmod-index.pl remove FILE [--value V] KEY...
#                                           in place and fast: drop the values of
#                                           each KEY (only those equal to V, if
#                                           given); the changed nodes are appended
#                                           and their parent's pointer redirected,
#                                           so only the paths to KEY are visited
#
# File format (all integers big-endian), as written by depmod:
#   u32 magic 0xB007F457, u32 version 0x00020001, u32 root node offset
#   A node offset carries flags in its top nibble: 0x80000000 the node has a
#   prefix (NUL-terminated string), 0x40000000 it has values, 0x20000000 it has
#   children. A node is laid out as: [prefix\0] [first last u32 child[last-first+1]]
#   [u32 count, count x (u32 priority, value\0)]. Children are written before
#   their parent; a missing child in the range has offset 0.
use strict;
use warnings;

use constant {
    MAGIC    => 0xB007F457,
    VERSION  => 0x00020001,
    F_PREFIX => 0x80000000,
    F_VALUES => 0x40000000,
    F_CHILDS => 0x20000000,
    F_MASK   => 0x0FFFFFFF,
};

sub slurp {
    my ($file) = @_;
    open(my $fh, '<:raw', $file) or die "$file: $!\n";
    local $/;
    my $data = <$fh>;
    close($fh);
    return $data;
}

sub read_index {
    my ($file) = @_;
    my $data = slurp($file);
    my ($magic, $version, $root) = unpack('N N N', $data);
    die "$file: not a kmod index\n" unless defined $root && $magic == MAGIC;
    die "$file: unsupported index version\n" unless $version == VERSION;
    return read_node(\$data, $root);
}

sub read_node {
    my ($data, $offset) = @_;
    my $pos = $offset & F_MASK;
    my %node = (prefix => '', children => {}, values => []);
    if ($offset & F_PREFIX) {
        my $end = index($$data, "\0", $pos);
        $node{prefix} = substr($$data, $pos, $end - $pos);
        $pos = $end + 1;
    }
    if ($offset & F_CHILDS) {
        my ($first, $last) = unpack('C C', substr($$data, $pos, 2));
        $pos += 2;
        my @offs = unpack('N*', substr($$data, $pos, 4 * ($last - $first + 1)));
        $pos += 4 * ($last - $first + 1);
        for my $i (0 .. $#offs) {
            next unless $offs[$i];
            $node{children}{ $first + $i } = read_node($data, $offs[$i]);
        }
    }
    if ($offset & F_VALUES) {
        my $count = unpack('N', substr($$data, $pos, 4));
        $pos += 4;
        for (1 .. $count) {
            my $prio = unpack('N', substr($$data, $pos, 4));
            $pos += 4;
            my $end = index($$data, "\0", $pos);
            push @{ $node{values} }, [ $prio, substr($$data, $pos, $end - $pos) ];
            $pos = $end + 1;
        }
    }
    return \%node;
}

sub write_index {
    my ($file, $root) = @_;
    my $out = pack('N N N', MAGIC, VERSION, 0);
    my $rootoff = write_node(\$out, $root);
    substr($out, 8, 4) = pack('N', $rootoff);
    my $tmp = "$file.tmp$$";
    open(my $fh, '>:raw', $tmp) or die "$tmp: $!\n";
    print $fh $out;
    close($fh) or die "$tmp: $!\n";
    rename($tmp, $file) or die "rename $tmp: $!\n";
}

sub write_node {
    my ($out, $node) = @_;
    my @chars = sort { $a <=> $b } keys %{ $node->{children} };
    my @offs;
    if (@chars) {
        for my $c ($chars[0] .. $chars[-1]) {
            my $child = $node->{children}{$c};
            push @offs, $child ? write_node($out, $child) : 0;
        }
    }
    my $offset = length($$out);
    if (length $node->{prefix}) {
        $$out .= $node->{prefix} . "\0";
        $offset |= F_PREFIX;
    }
    if (@chars) {
        $$out .= pack('C C N*', $chars[0], $chars[-1], @offs);
        $offset |= F_CHILDS;
    }
    if (@{ $node->{values} }) {
        $$out .= pack('N', scalar @{ $node->{values} });
        $$out .= pack('N', $_->[0]) . $_->[1] . "\0" for @{ $node->{values} };
        $offset |= F_VALUES;
    }
    return $offset;
}

sub walk {
    my ($node, $key, $cb) = @_;
    $key .= $node->{prefix};
    $cb->($key, $_) for @{ $node->{values} };
    walk($node->{children}{$_}, $key . chr($_), $cb) for sort { $a <=> $b } keys %{ $node->{children} };
}

# Parse one node header without recursing: prefix, children (offsets and the
# position of each child pointer) and values.
sub peek_node {
    my ($data, $offset) = @_;
    my $pos = $offset & F_MASK;
    my %n = (prefix => '', first => 0, last => -1, childpos => 0, values => []);
    if ($offset & F_PREFIX) {
        my $end = index($$data, "\0", $pos);
        $n{prefix} = substr($$data, $pos, $end - $pos);
        $pos = $end + 1;
    }
    if ($offset & F_CHILDS) {
        @n{qw(first last)} = unpack('C C', substr($$data, $pos, 2));
        $n{childpos} = $pos + 2;
        $n{childs} = substr($$data, $pos, 2 + 4 * ($n{last} - $n{first} + 1));
        $pos += 2 + 4 * ($n{last} - $n{first} + 1);
    }
    if ($offset & F_VALUES) {
        my $count = unpack('N', substr($$data, $pos, 4));
        $pos += 4;
        for (1 .. $count) {
            my $prio = unpack('N', substr($$data, $pos, 4));
            my $end = index($$data, "\0", $pos + 4);
            push @{ $n{values} }, [ $prio, substr($$data, $pos + 4, $end - $pos - 4) ];
            $pos = $end + 1;
        }
    }
    return \%n;
}

# Remove values of KEY in place. Returns the number of values removed.
sub remove_key {
    my ($data, $key, $only) = @_;
    my $ptrpos = 8;    # where the pointer to the current node is stored
    my $offset = unpack('N', substr($$data, $ptrpos, 4));
    my $i = 0;
    while (1) {
        my $n = peek_node($data, $offset);
        my $plen = length $n->{prefix};
        return 0 if substr($key, $i, $plen) ne $n->{prefix};
        $i += $plen;
        if ($i == length $key) {
            my @keep = defined $only ? grep { $_->[1] ne $only } @{ $n->{values} } : ();
            my $removed = @{ $n->{values} } - @keep;
            return 0 unless $removed;
            # Append a copy of the node with the remaining values.
            my $new = length($$data);
            my $flags = 0;
            if ($plen) { $$data .= $n->{prefix} . "\0"; $flags |= F_PREFIX; }
            if (exists $n->{childs}) { $$data .= $n->{childs}; $flags |= F_CHILDS; }
            if (@keep) {
                $$data .= pack('N', scalar @keep);
                $$data .= pack('N', $_->[0]) . $_->[1] . "\0" for @keep;
                $flags |= F_VALUES;
            }
            die "index too large\n" if $new > F_MASK;
            substr($$data, $ptrpos, 4) = pack('N', $new | $flags);
            return $removed;
        }
        my $c = ord(substr($key, $i, 1));
        return 0 unless exists $n->{childs} && $c >= $n->{first} && $c <= $n->{last};
        $ptrpos = $n->{childpos} + 4 * ($c - $n->{first});
        $offset = unpack('N', substr($$data, $ptrpos, 4));
        return 0 unless $offset;
        $i++;
    }
}

sub remove_keys {
    my ($file, $only, @keys) = @_;
    my $data = slurp($file);
    my ($magic, $version) = unpack('N N', $data);
    die "$file: not a kmod index\n" unless $magic == MAGIC && $version == VERSION;
    my $removed = 0;
    $removed += remove_key(\$data, $_, $only) for @keys;
    spew($file, $data);
    return $removed;
}

sub spew {
    my ($file, $data) = @_;
    my $tmp = "$file.tmp$$";
    open(my $fh, '>:raw', $tmp) or die "$tmp: $!\n";
    print $fh $data;
    close($fh) or die "$tmp: $!\n";
    rename($tmp, $file) or die "rename $tmp: $!\n";
}

# depmod stores aliases with '-' turned into '_' except inside [...].
sub normalize_alias {
    my ($alias) = @_;
    my ($out, $in) = ('', 0);
    for my $ch (split //, $alias) {
        if ($in) { $in = 0 if $ch eq ']'; }
        elsif ($ch eq '[') { $in = 1; }
        elsif ($ch eq '-') { $ch = '_'; }
        $out .= $ch;
    }
    return $out;
}

my $cmd = shift @ARGV // '';
if ($cmd eq 'dump') {
    my $root = read_index($ARGV[0]);
    walk($root, '', sub { print "$_[0]\t$_[1][0]\t$_[1][1]\n" });
} elsif ($cmd eq 'copy') {
    write_index($ARGV[1], read_index($ARGV[0]));
} elsif ($cmd eq 'remove') {
    my $file = shift @ARGV;
    my $only;
    if (@ARGV && $ARGV[0] eq '--value') { shift @ARGV; $only = shift @ARGV; }
    print remove_keys($file, $only, @ARGV), "\n";
} elsif ($cmd eq 'hide') {
    my ($dir, @mods) = @ARGV;
    die "usage: kmod-index.pl hide DIR MODNAME...\n" unless defined $dir && @mods;
    # Whole-file regexes rather than line loops: this runs under TCG, where
    # every interpreted operation is expensive.
    my %text = map { $_ => (-e "$dir/$_" ? slurp("$dir/$_") : '') } qw(modules.dep modules.alias modules.symbols);
    my (@depkeys, %aliaskeys, %symkeys);
    for my $mod (map { tr/-/_/r } @mods) {
        # modules.dep: "path: deps"; the module name is the file's base name
        # with '-' read as '_'.
        my $rx = join '', map { $_ eq '_' ? '[-_]' : quotemeta } split //, $mod;
        $text{'modules.dep'} =~ s{^(?:[^:\n]*/)?$rx\.ko(?:\.[a-z]+)?:[^\n]*\n}{}m
            or die "$mod: not in $dir/modules.dep\n";
        push @depkeys, $mod;
        # modules.alias / modules.symbols: "alias KEY MODNAME".
        $aliaskeys{$mod}{ normalize_alias($_) } = 1 for $text{'modules.alias'} =~ /^alias (\S+) \Q$mod\E$/mg;
        $symkeys{$mod}{$_} = 1 for $text{'modules.symbols'} =~ /^alias (\S+) \Q$mod\E$/mg;
        $text{$_} =~ s/^alias \S+ \Q$mod\E\n//mg for qw(modules.alias modules.symbols);
    }
    remove_keys("$dir/modules.dep.bin", undef, @depkeys);
    remove_keys("$dir/modules.alias.bin", $_, keys %{ $aliaskeys{$_} }) for keys %aliaskeys;
    remove_keys("$dir/modules.symbols.bin", $_, keys %{ $symkeys{$_} }) for keys %symkeys;
    spew("$dir/$_", $text{$_}) for grep { -e "$dir/$_" } keys %text;
} else {
    die "usage: kmod-index.pl dump FILE | copy FILE OUT | hide DIR MODNAME...\n"
      . "       kmod-index.pl remove FILE [--value V] KEY...\n";
}
